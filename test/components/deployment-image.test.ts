/**
 * The executor image a deployment builds when given no `image`, under Pulumi mocks (update mode):
 * a FasciaExecutorImage child whose push resource carries the digest computed from the specs, and
 * Cloud Run's service and migration job naming exactly `repository@digest` as that resource
 * reports it. The base is an OCI layout the test makes with umoci (no network). The push
 * provider's diff: the same digest is no change, another is one replacement. Its create, run as
 * Pulumi runs it (serialized, in a plain Node process), pushes to a real registry on loopback.
 */
import * as pulumi from "@pulumi/pulumi";
/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read deep provider inputs */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planExecutorImage } from "../../build/oci/executor-image";
import { REGISTRY_ENV } from "../../build/oci/registry-access";
import type { FasciaDeployment } from "../../components/fascia-deployment";
import { FASCIA_EXECUTOR_IMAGE_TYPE } from "../../components/fascia-executor-image";
import { migrationRunToken } from "../../components/plan-hash";
import { asDocuments, specsFromDir } from "../../components/spec-input";
import { executorImagePushProvider, type ExecutorImagePushInputs, type ExecutorImagePushOutputs } from "../../provider/executor-image-push";
import { makeBaseLayout } from "../support/oci-base";
import { startRegistry, type TestRegistry } from "../support/registry";
import { run } from "../support/test-tools";
import { createRecordingMocks, settle, unwrap, valueOf, type Registered } from "./support/recording-mocks";
import { exampleDeployment } from "./support/example-deployment";

const PUSH_TYPE = "pulumi-nodejs:dynamic/fascia:ExecutorImagePush";
const { mocks, resources } = createRecordingMocks();
const SECRETS = { PAYMENTS_API_KEY: "k", PAYMENTS_WEBHOOK_SECRET: "w", OPS_WEBHOOK_TOKEN: "t" };

let deployment: FasciaDeployment;
let base: string;

beforeAll(async () => {
  base = makeBaseLayout(join(mkdtempSync(join(tmpdir(), "fascia-base-")), "layout"));
  await pulumi.runtime.setMocks(mocks, "fascia", "prod", false);
  deployment = exampleDeployment({ imageBase: base }, SECRETS);
  await valueOf(deployment.imageRef);
  await valueOf(deployment.migrationPlan);
  await settle();
}, 60_000);

const one = (name: string): Registered => {
  const found = resources.filter((r) => r.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const plain = (r: Registered) => unwrap(r.inputs) as Record<string, any>;

test("the deployment builds its image: one FasciaExecutorImage child and its push, nothing else added", () => {
  expect(one("reservations-image").type).toBe(FASCIA_EXECUTOR_IMAGE_TYPE);
  expect(one("reservations-image-push").type).toBe(PUSH_TYPE);
  expect(resources).toHaveLength(59); // the 57 of deployment-example.test.ts, plus these two
});

test("the push carries the digest the specs give, into the deployment's own repository", async () => {
  const push = plain(one("reservations-image-push"));
  const independent = await planExecutorImage({
    documents: asDocuments(specsFromDir("examples/reservations")),
    source: "FasciaExecutorImage reservations-image",
    base,
  });
  expect(push).toMatchObject({
    repository: "europe-west1-docker.pkg.dev/acme-prod/reservations-images/executor",
    digest: independent.digest,
    base,
    source: "FasciaExecutorImage reservations-image",
  });
  expect(independent.planHash).toBe(await valueOf(deployment.planHash));
});

test("Cloud Run runs exactly repository@digest as the push reports it, and the migration token follows the digest", async () => {
  const push = one("reservations-image-push").state as Record<string, string>;
  const ref = `${push.repository}@${push.digest}`;
  expect(await valueOf(deployment.imageRef)).toBe(ref);
  expect(await valueOf(deployment.executorImage!.imageRef)).toBe(ref);
  const service = plain(one("reservations-executor"));
  expect(service.template.containers[0].image).toBe(ref);
  const job = plain(one("reservations-migrate"));
  expect(job.template.template.containers[0].image).toBe(ref);
  expect(job.runExecutionToken).toBe(migrationRunToken((await valueOf(deployment.planHash))!, push.digest!));
});

describe("the push provider's diff", () => {
  const outs = (over: Partial<ExecutorImagePushOutputs> = {}): ExecutorImagePushOutputs => ({
    repository: "europe-west1-docker.pkg.dev/p/r/executor",
    digest: `sha256:${"a".repeat(64)}`,
    base: "oci:/x:base",
    source: "s",
    reference: `europe-west1-docker.pkg.dev/p/r/executor@sha256:${"a".repeat(64)}`,
    uploaded: 1,
    mounted: 0,
    present: 0,
    ...over,
  });
  const inputs = (over: Partial<ExecutorImagePushOutputs> = {}) => {
    const { reference: _r, uploaded: _u, mounted: _m, present: _p, ...rest } = outs(over);
    return { ...rest, documents: [] };
  };

  it("the same digest and repository: no change (another base or source alone cannot give the same digest)", async () => {
    expect(await executorImagePushProvider.diff("id", outs(), inputs())).toMatchObject({ changes: false, replaces: [] });
  });

  it("another digest or repository: one replacement, the old image left in the registry", async () => {
    expect(await executorImagePushProvider.diff("id", outs(), inputs({ digest: `sha256:${"b".repeat(64)}` }))).toMatchObject({
      changes: true,
      replaces: ["digest"],
      deleteBeforeReplace: false,
    });
    expect(await executorImagePushProvider.diff("id", outs(), inputs({ repository: "other/executor" }))).toMatchObject({
      changes: true,
      replaces: ["repository"],
    });
  });
});

describe("the push, as the engine runs it: the serialized provider in a plain Node process, against a real registry", () => {
  let registry: TestRegistry;
  let work: string;
  let providerFile: string;
  let inputs: ExecutorImagePushInputs;

  beforeAll(async () => {
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), "fascia-push-provider-"));
    // What Pulumi stores as the resource's __provider, and its dynamic-provider host evaluates.
    const { text } = await pulumi.runtime.serializeFunction(() => executorImagePushProvider, { allowSecrets: true });
    providerFile = join(work, "provider.js");
    writeFileSync(providerFile, text);
    const documents = asDocuments(specsFromDir("examples/reservations"));
    const source = "FasciaExecutorImage reservations-image";
    const { digest } = await planExecutorImage({ documents, source, base });
    inputs = { repository: `${registry.host}/app/executor`, digest, base, source, documents };
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** create(inputs) in a child process started outside the repository, as the provider plugin runs. */
  const createInChild = (pushInputs: ExecutorImagePushInputs) => {
    const requireFromString = require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] });
    const script = `const provider = require(${JSON.stringify(requireFromString)})(require("fs").readFileSync(process.argv[1], "utf8")).handler();
provider.create(JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"))).then(
  (r) => process.stdout.write(JSON.stringify(r)),
  (e) => { process.stderr.write(e.message); process.exit(1); });`;
    const inputsFile = join(work, "inputs.json");
    writeFileSync(inputsFile, JSON.stringify(pushInputs));
    return spawnSync(process.execPath, ["-e", script, providerFile, inputsFile], {
      cwd: work,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        [REGISTRY_ENV.username]: registry.username,
        [REGISTRY_ENV.password]: registry.password,
        [REGISTRY_ENV.caFile]: join(registry.certDir, "ca.crt"),
      },
    });
  };

  it("builds the same image again and pushes it; skopeo finds it by that digest", () => {
    const result = createInChild(inputs);
    expect(result.stderr).toBe("");
    const created = JSON.parse(result.stdout) as { id: string; outs: ExecutorImagePushOutputs };
    expect(created.id).toBe(`${inputs.repository}@${inputs.digest}`);
    expect(created.outs).toMatchObject({ repository: inputs.repository, digest: inputs.digest, reference: created.id, uploaded: 3 });
    expect(created.outs).not.toHaveProperty("documents"); // the specs are inputs, not state to carry twice
    const inspected = run("skopeo", [
      "inspect",
      "--no-tags",
      "--cert-dir",
      registry.certDir,
      "--creds",
      registry.creds,
      `docker://${created.id}`,
    ]);
    expect(JSON.parse(inspected)).toMatchObject({ Digest: inputs.digest });
  });

  it("refuses, pushing nothing, when the image built now is not the one the program planned", async () => {
    const before = await registry.catalog();
    const result = createInChild({ ...inputs, repository: `${registry.host}/other/executor`, digest: `sha256:${"0".repeat(64)}` });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`not the sha256:${"0".repeat(64)} the program computed`);
    expect(await registry.catalog()).toEqual(before);
  });
});
