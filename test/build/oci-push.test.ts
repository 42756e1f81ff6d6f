/**
 * The executor image pushed to a real registry (Debian's docker-registry on loopback, TLS from a
 * certificate made here, htpasswd basic auth), then read back by clients we did not write:
 * skopeo inspects and copies it, umoci unpacks it, and the executor in it answers /healthz on a
 * real PostgreSQL. The base is pushed to the same registry first, so its layers are mounted.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NotDeployableError,
  RegistryError,
  planExecutorImage,
  pushExecutorImage,
  writeExecutorImageLayout,
  type ExecutorImagePlan,
} from "../../build/oci/executor-image";
import { sha256Digest } from "../../build/oci/descriptor";
import { blobPath } from "../../build/oci/layout";
import { startRegistry, type TestRegistry } from "../support/registry";
import { makeBaseLayout } from "../support/oci-base";
import { healthOfUnpackedImage } from "../support/run-image";
import { run } from "../support/test-tools";
import { packageRoot } from "../../build/bundle-executor";
import { GREEN_TOOL, ITEM, RED_TOOL } from "../components/support/small-app";

let work: string;
let registry: TestRegistry;
let plan: ExecutorImagePlan;
let baseRef: string;

const access = () => ({ username: registry.username, password: registry.password, ca: registry.ca });
const skopeoAuth = () => ["--cert-dir", registry.certDir, "--creds", registry.creds];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "fascia-oci-push-"));
  registry = await startRegistry();
  const layout = makeBaseLayout(join(work, "base"));
  run("skopeo", [
    "copy",
    "--quiet",
    "--dest-cert-dir",
    registry.certDir,
    "--dest-creds",
    registry.creds,
    layout,
    `docker://${registry.host}/base:1`,
  ]);
  const digest = run("skopeo", ["inspect", ...skopeoAuth(), "--format", "{{.Digest}}", `docker://${registry.host}/base:1`]).trim();
  baseRef = `${registry.host}/base:1@${digest}`;
  plan = await planExecutorImage({ specDir: join(packageRoot(), "examples", "reservations"), base: baseRef, access: access() });
}, 60_000);
afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("pushing the executor image", () => {
  it("uploads the config and the app layer and mounts the base's layers; a second push finds everything present", async () => {
    const baseLayers = plan.baseLayers.map((l) => l.digest);
    const first = await pushExecutorImage(plan, `${registry.host}/app/executor`, { access: access(), tag: "v1" });
    expect(first).toEqual({
      reference: `${registry.host}/app/executor@${plan.digest}`,
      uploaded: [plan.config.descriptor.digest, plan.appLayer.descriptor.digest],
      mounted: baseLayers,
      present: [],
    });
    const second = await pushExecutorImage(plan, `${registry.host}/app/executor`, { access: access() });
    expect(second).toMatchObject({
      uploaded: [],
      mounted: [],
      present: [...baseLayers, plan.config.descriptor.digest, plan.appLayer.descriptor.digest],
    });
    // Another repository of the same registry: the base's layers are mounted again, not sent.
    const other = await pushExecutorImage(plan, `${registry.host}/other/executor`, { access: access() });
    expect(other).toMatchObject({
      mounted: baseLayers,
      uploaded: [plan.config.descriptor.digest, plan.appLayer.descriptor.digest],
      present: [],
    });
    expect((await registry.catalog()).sort()).toEqual(["app/executor", "base", "other/executor"]);
  });

  it("is what skopeo inspects and copies, umoci unpacks, and the executor in it answers /healthz on PostgreSQL", async () => {
    const inspected = JSON.parse(run("skopeo", ["inspect", ...skopeoAuth(), `docker://${registry.host}/app/executor@${plan.digest}`])) as {
      Digest: string;
      Layers: string[];
      RepoTags: string[];
      Labels: Record<string, string>;
    };
    expect(inspected.Digest).toBe(plan.digest);
    expect(inspected.Layers).toEqual([...plan.baseLayers.map((l) => l.digest), plan.appLayer.descriptor.digest]);
    expect(inspected.RepoTags).toEqual(["v1"]);
    expect(inspected.Labels["dev.fascia.plan-hash"]).toBe(plan.planHash);
    const raw = run("skopeo", ["inspect", "--raw", ...skopeoAuth(), `docker://${registry.host}/app/executor:v1`]);
    expect(Buffer.from(raw).equals(plan.imageManifest.bytes)).toBe(true);

    const layout = join(work, "copied");
    run("skopeo", [
      "copy",
      "--quiet",
      "--src-cert-dir",
      registry.certDir,
      "--src-creds",
      registry.creds,
      `docker://${registry.host}/app/executor@${plan.digest}`,
      `oci:${layout}:x`,
    ]);
    const bundle = join(work, "bundle");
    run("umoci", ["unpack", "--rootless", "--image", `${layout}:x`, bundle]);
    const health = await healthOfUnpackedImage(join(bundle, "rootfs"));
    expect(health).toEqual({ status: 200, planHash: plan.planHash });
  });

  it("writes the same image as a layout, the base's layers streamed from the registry", async () => {
    const out = join(work, "from-registry");
    await writeExecutorImageLayout(plan, out, { tag: "x", baseAccess: access() });
    expect(JSON.parse(run("skopeo", ["inspect", `oci:${out}:x`])).Digest).toBe(plan.digest);
    for (const layer of plan.baseLayers) expect(sha256Digest(readFileSync(blobPath(out, layer.digest)))).toBe(layer.digest);
  });

  it("pushes nothing for specs that may not deploy, and says 401 for a wrong password", async () => {
    const before = await registry.catalog();
    await expect(
      planExecutorImage({ documents: [ITEM, GREEN_TOOL, RED_TOOL], source: "small-app", base: baseRef, access: access() }).then((p) =>
        pushExecutorImage(p, `${registry.host}/refused/executor`, { access: access() }),
      ),
    ).rejects.toThrow(NotDeployableError);
    expect(await registry.catalog()).toEqual(before);

    const refused = pushExecutorImage(plan, `${registry.host}/app/executor`, { access: { ...access(), password: "wrong" } });
    await expect(refused).rejects.toThrow(RegistryError);
    await expect(refused).rejects.toMatchObject({ status: 401, method: "HEAD" });
  });

  it("trusts only the CA it is given: without it, TLS refuses the registry's certificate", async () => {
    await expect(
      pushExecutorImage(plan, `${registry.host}/app/executor`, { access: { username: registry.username, password: registry.password } }),
    ).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});
