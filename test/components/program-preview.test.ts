/**
 * The root Pulumi program (Pulumi.yaml → examples/reservations-stack) under mocks in preview
 * mode, with mocks that return only the inputs — as a real preview knows nothing the cloud
 * computes. Governance and pool sizing still decide (they are known), computed values stay
 * unknown, and the stack outputs are what `pulumi preview` shows.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type * as Program from "../../examples/reservations-stack/index";
import { settle, valueOf } from "./support/recording-mocks";

const types: string[] = [];
const IMAGE = `europe-west1-docker.pkg.dev/acme/fascia/executor@sha256:${"ef".repeat(32)}`;
let program: typeof Program;

beforeAll(async () => {
  pulumi.runtime.setAllConfig(
    {
      "fascia:image": IMAGE,
      "fascia:PAYMENTS_API_KEY": "sk_preview_1",
      "fascia:PAYMENTS_WEBHOOK_SECRET": "whsec_preview_2",
      "fascia:OPS_WEBHOOK_TOKEN": "ops_preview_3",
      "gcp:project": "acme",
      "gcp:region": "europe-west1",
    },
    ["fascia:PAYMENTS_API_KEY", "fascia:PAYMENTS_WEBHOOK_SECRET", "fascia:OPS_WEBHOOK_TOKEN"],
  );
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        types.push(args.type);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "fascia-reservations",
    "dev",
    true,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a Pulumi program runs when loaded, after the mocks are set
  program = require("../../examples/reservations-stack/index");
  await valueOf(program.riskLevels);
  await settle();
});

test("Pulumi.yaml is a TypeScript project whose main is this program", () => {
  const project = parse(readFileSync("Pulumi.yaml", "utf8"));
  expect(project).toMatchObject({
    runtime: { name: "nodejs", options: { typescript: true } },
    main: "examples/reservations-stack/index.ts",
  });
  expect(Object.keys(project.config)).toContain("fascia:image");
});

test("preview registers the whole graph from the gcp:project and gcp:region config", () => {
  expect(types).toHaveLength(46);
  expect(types.filter((t) => t === "gcp:cloudrunv2/service:Service")).toHaveLength(1);
});

test("what the cloud computes is unknown at preview; the decisions are known", async () => {
  expect(await valueOf(program.serviceUrl)).toBeUndefined();
  expect(await valueOf(program.connectionName)).toBeUndefined();
  expect(await valueOf(program.endpoints)).toBeUndefined();
  expect(await valueOf(program.riskLevels)).toMatchObject({ listReservations: "green", confirmReservation: "yellow" });
  expect(await valueOf(program.planHash)).toMatch(/^[0-9a-f]{64}$/);
  const report = await valueOf(program.riskReport);
  expect(report!.summary.deployable).toBe(true);
});
