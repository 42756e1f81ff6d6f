/**
 * The deployment and the image agree on the plan: `fascia build` writes the image folder of
 * examples/reservations (from a copy in a temporary folder, so the build path differs from the
 * deployment's `specDir`), and the plan hash the executor computes from that manifest.json is the
 * FASCIA_PLAN_HASH FasciaDeployment writes for the same specs, under Pulumi mocks, into both the
 * service and the migration job, and the one `fascia build` prints. Other specs give another.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read deep provider inputs */
import type { FasciaDeployment } from "../../components/fascia-deployment";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import { manifestPlanHash, readManifest } from "../../executor/app/manifest";
import { exampleDeployment } from "./support/example-deployment";
import { createRecordingMocks, settle, unwrap, valueOf } from "./support/recording-mocks";

const { mocks, resources } = createRecordingMocks();
const IMAGE = `europe-west1-docker.pkg.dev/acme-prod/fascia/executor@sha256:${"cd".repeat(32)}`;
const SECRETS = { PAYMENTS_API_KEY: "k", PAYMENTS_WEBHOOK_SECRET: "w", OPS_WEBHOOK_TOKEN: "t" };

let work: string;
let builtHash: string;
let printed: string;
let deployment: FasciaDeployment;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "fascia-plan-hash-"));
  const specs = join(work, "somewhere", "else", "reservations");
  cpSync("examples/reservations", specs, { recursive: true });
  const out: string[] = [];
  const io: CliIO = { out: (s) => out.push(s), err: (s) => out.push(s), isTTY: false };
  expect(await runCli(["build", specs, "--out", join(work, "image")], io)).toBe(0);
  printed = out.join("\n");
  // What the executor does at start: read the manifest in its image, hash it.
  builtHash = manifestPlanHash(readManifest(join(work, "image", "manifest.json")));

  await pulumi.runtime.setMocks(mocks, "fascia", "prod", false);
  deployment = exampleDeployment(IMAGE, SECRETS);
  await valueOf(deployment.endpoints);
  await settle();
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function planHashEnv(type: string): string | undefined {
  const [resource] = resources.filter((r) => r.type === type);
  const inputs = unwrap(resource!.inputs) as any;
  const containers = type === "gcp:cloudrunv2/job:Job" ? inputs.template.template.containers : inputs.template.containers;
  return containers[0].envs.find((e: { name: string }) => e.name === "FASCIA_PLAN_HASH")?.value;
}

test("FASCIA_PLAN_HASH of the service and the migration job is the plan hash of the manifest `fascia build` writes", async () => {
  expect(builtHash).toMatch(/^[0-9a-f]{64}$/);
  expect(planHashEnv("gcp:cloudrunv2/service:Service")).toBe(builtHash);
  expect(planHashEnv("gcp:cloudrunv2/job:Job")).toBe(builtHash);
  expect(await valueOf(deployment.planHash)).toBe(builtHash);
  expect(printed).toContain(`plan hash ${builtHash}: the FASCIA_PLAN_HASH of a deployment of these specs`);
});

test("an image built from other specs has another plan hash", async () => {
  const changed = join(work, "changed");
  cpSync("examples/reservations", changed, { recursive: true });
  const room = join(changed, "entities", "room.yaml");
  writeFileSync(room, readFileSync(room, "utf8").replace(/^description: .*$/m, "description: a room, described differently"));
  expect(readFileSync(room, "utf8")).toContain("described differently");
  const io: CliIO = { out: () => undefined, err: () => undefined, isTTY: false };
  expect(await runCli(["build", changed, "--out", join(work, "changed-image")], io)).toBe(0);
  expect(manifestPlanHash(readManifest(join(work, "changed-image", "manifest.json")))).not.toBe(builtHash);
}, 60_000);
