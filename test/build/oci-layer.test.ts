/**
 * The executor image is reproducible: built twice, or from two copies of the specs in different
 * folders, it has the same digest; one spec byte changed changes the app layer and nothing of
 * the base. Its layer, config and manifest are what the docs say (docs/executor.md, "The image
 * without Docker"), a layout written from it is read by umoci and skopeo, and specs that may not
 * deploy build nothing. The base is a umoci-made OCI layout: no network.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import {
  DEFAULT_BASE_IMAGE,
  NotDeployableError,
  planExecutorImage,
  writeExecutorImageLayout,
  type ExecutorImagePlan,
} from "../../build/oci/executor-image";
import { packageRoot } from "../../build/bundle-executor";
import { sha256Digest } from "../../build/oci/descriptor";
import { blobPath, readLayoutIndex } from "../../build/oci/layout";
import { parseImageRef } from "../../build/oci/reference";
import { InvalidSpecsError } from "../../loader/invalid-specs";
import { manifestPlanHash } from "../../executor/app/manifest";
import { makeBaseLayout } from "../support/oci-base";
import { run } from "../support/test-tools";
import { GREEN_TOOL, ITEM, RED_TOOL, YELLOW_TOOL } from "../components/support/small-app";

const EXAMPLE = join(packageRoot(), "examples", "reservations");

let work: string;
let base: string;
let plan: ExecutorImagePlan;

function json<T = Record<string, unknown>>(bytes: Buffer): T {
  return JSON.parse(bytes.toString("utf8")) as T;
}

async function tarEntries(
  gz: Buffer,
): Promise<
  { name: string; type: string; mode: number; uid: number; gid: number; uname: string; gname: string; mtime: number; size: number }[]
> {
  const entries: Awaited<ReturnType<typeof tarEntries>> = [];
  const ex = extract();
  ex.on("entry", (h, stream, next) => {
    entries.push({
      name: h.name,
      type: h.type,
      mode: h.mode,
      uid: h.uid,
      gid: h.gid,
      uname: h.uname,
      gname: h.gname,
      mtime: h.mtime.getTime(),
      size: h.size,
    });
    stream.on("end", () => next());
    stream.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on("finish", () => resolve());
    ex.on("error", reject);
  });
  ex.end(gunzipSync(gz));
  await done;
  return entries;
}

async function mapOf(gz: Buffer): Promise<{ sources: string[] }> {
  const ex = extract();
  let map = "";
  ex.on("entry", (h, stream, next) => {
    stream.on("data", (chunk: unknown) => {
      if (h.name === "app/executor.js.map") map += (chunk as Buffer).toString("utf8");
    });
    stream.on("end", () => next());
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on("finish", () => resolve());
    ex.on("error", reject);
  });
  ex.end(gunzipSync(gz));
  await done;
  return JSON.parse(map) as { sources: string[] };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "fascia-oci-layer-"));
  base = makeBaseLayout(join(work, "base"));
  plan = await planExecutorImage({ specDir: EXAMPLE, base });
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the executor image's plan", () => {
  it("is the same image when built twice, and from two copies of the specs in different folders", async () => {
    const again = await planExecutorImage({ specDir: EXAMPLE, base });
    expect(again.digest).toBe(plan.digest);
    expect(again.imageManifest.bytes.equals(plan.imageManifest.bytes)).toBe(true);
    expect(again.appLayer.bytes.equals(plan.appLayer.bytes)).toBe(true);
    // Same folder name, different parents: the manifest's source is the folder's name, never its path.
    const copies = [join(work, "one", "reservations"), join(work, "two", "deeper", "reservations")];
    for (const copy of copies) cpSync(EXAMPLE, copy, { recursive: true });
    const [a, b] = await Promise.all(copies.map((specDir) => planExecutorImage({ specDir, base })));
    expect(a!.digest).toBe(plan.digest);
    expect(b!.digest).toBe(plan.digest);
    expect(plan.manifest.source).toBe("reservations");
    expect(plan.planHash).toBe(manifestPlanHash(plan.manifest));
  });

  it("is the same image when Fascia itself is checked out somewhere else (the bundle names no path)", () => {
    // A second checkout: the sources copied, node_modules hard-linked (a symlink would resolve back here).
    const checkout = join(work, "elsewhere", "fascia");
    const root = packageRoot();
    cpSync(root, checkout, {
      recursive: true,
      filter: (from) => !/^\/(node_modules|\.git|dist)(\/|$)|\/\.fascia(\/|$)/.test(from.slice(root.length)),
    });
    run("cp", ["-al", join(root, "node_modules"), join(checkout, "node_modules")]);
    const script = `require("./build/oci/executor-image").planExecutorImage({ specDir: "examples/reservations", base: ${JSON.stringify(base)} }).then((p) => console.log(p.digest))`;
    const digest = run(join(checkout, "node_modules", ".bin", "tsx"), ["-e", script], { cwd: checkout }).trim();
    expect(digest).toBe(plan.digest);
  }, 30_000);

  it("holds no path of the machine that built it: the bundle and its map are location-independent", async () => {
    const tar = gunzipSync(plan.appLayer.bytes).toString("latin1");
    // Booleans, so a failure does not print 13 MB.
    expect(tar.includes(packageRoot())).toBe(false);
    expect(tar.includes(work)).toBe(false);
    const map = await mapOf(plan.appLayer.bytes);
    expect(map.sources.filter((s) => s.startsWith("/") || s.startsWith(".."))).toEqual([]);
    expect(map.sources).toContain("executor/main.ts");
    for (const blob of [plan.config, plan.imageManifest]) expect(blob.bytes.toString()).not.toContain(work);
  });

  it("changes only its app layer (and so its config and manifest) when one spec byte changes", async () => {
    const changed = join(work, "changed", "reservations");
    cpSync(EXAMPLE, changed, { recursive: true });
    const tool = join(changed, "tools", "cancel-reservation.yaml");
    writeFileSync(tool, readFileSync(tool, "utf8").replace("refunded in full", "refunded in fulL"));
    const other = await planExecutorImage({ specDir: changed, base });
    expect(other.digest).not.toBe(plan.digest);
    expect(other.planHash).not.toBe(plan.planHash);
    expect(other.baseLayers).toEqual(plan.baseLayers);
    const layers = (p: ExecutorImagePlan) => json<{ layers: { digest: string }[] }>(p.imageManifest.bytes).layers.map((l) => l.digest);
    expect(layers(other).slice(0, -1)).toEqual(layers(plan).slice(0, -1));
    expect(layers(other).at(-1)).not.toBe(layers(plan).at(-1));
    const diffIds = (p: ExecutorImagePlan) => json<{ rootfs: { diff_ids: string[] } }>(p.config.bytes).rootfs.diff_ids;
    expect(diffIds(other).slice(0, -1)).toEqual(diffIds(plan).slice(0, -1));
  });

  it("adds one reproducible layer: /app and its three files, sorted, mtime 0, root-owned without names, 0644/0755", async () => {
    const entries = await tarEntries(plan.appLayer.bytes);
    expect(entries.map((e) => e.name)).toEqual(["app/", "app/executor.js", "app/executor.js.map", "app/manifest.json"]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ uid: 0, gid: 0, uname: "", gname: "", mtime: 0, mode: entry.type === "directory" ? 0o755 : 0o644 });
    }
    expect(plan.appLayer.diffId).toBe(sha256Digest(gunzipSync(plan.appLayer.bytes)));
    // gzip header: no name, no time, Unix.
    expect([...plan.appLayer.bytes.subarray(3, 8)]).toEqual([0, 0, 0, 0, 0]);
    expect(plan.appLayer.bytes[9]).toBe(3);
  });

  it("configures the executor on the base: env, /app, node running /app/executor.js as nonroot, fixed times, the plan hash label", () => {
    const baseConfig = json<{ rootfs: { diff_ids: string[] }; history: unknown[] }>(
      readFileSync(blobPath(parseLayout(base), plan.baseImage.manifest.config.digest)),
    );
    const config = json<{
      created: string;
      config: Record<string, unknown>;
      rootfs: { diff_ids: string[] };
      history: { created: string }[];
      architecture: string;
    }>(plan.config.bytes);
    expect(config.created).toBe("1970-01-01T00:00:00Z");
    expect(config.architecture).toBe("amd64");
    expect(config.config).toMatchObject({
      Env: expect.arrayContaining(["NODE_ENV=production", "FASCIA_APP_MANIFEST=/app/manifest.json", "PORT=8080"]),
      WorkingDir: "/app",
      // The test base has no Entrypoint: distroless's node.
      Entrypoint: ["/nodejs/bin/node"],
      Cmd: ["/app/executor.js"],
      User: "65532:65532",
      Labels: { "dev.fascia.plan-hash": plan.planHash, "dev.fascia.source": "reservations" },
    });
    expect(config.rootfs.diff_ids).toEqual([...baseConfig.rootfs.diff_ids, plan.appLayer.diffId]);
    expect(config.history).toHaveLength(baseConfig.history.length + 1);
    expect(config.history.at(-1)!.created).toBe("1970-01-01T00:00:00Z");
    const manifest = json<{ mediaType: string; config: { digest: string }; layers: { digest: string; mediaType: string }[] }>(
      plan.imageManifest.bytes,
    );
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(manifest.config.digest).toBe(plan.config.descriptor.digest);
    expect(manifest.layers).toEqual([...plan.baseImage.manifest.layers, plan.appLayer.descriptor]);
    expect(plan.digest).toBe(sha256Digest(plan.imageManifest.bytes));
  });

  it("builds on the linux/amd64 image of a base that is an index", async () => {
    const dir = parseLayout(base);
    const amd64 = readLayoutIndex(dir).manifests[0]!;
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          { ...amd64, annotations: undefined, platform: { os: "linux", architecture: "arm64" }, digest: `sha256:${"0".repeat(64)}` },
          { mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.size, platform: { os: "linux", architecture: "amd64" } },
        ],
      }),
    );
    const digest = sha256Digest(index);
    writeFileSync(blobPath(dir, digest), index);
    const layout = readLayoutIndex(dir);
    writeFileSync(
      join(dir, "index.json"),
      JSON.stringify({
        ...layout,
        manifests: [
          ...layout.manifests,
          {
            mediaType: "application/vnd.oci.image.index.v1+json",
            digest,
            size: index.length,
            annotations: { "org.opencontainers.image.ref.name": "multi" },
          },
        ],
      }),
    );
    const onIndex = await planExecutorImage({ specDir: EXAMPLE, base: `oci:${dir}:multi` });
    expect(onIndex.baseImage.manifestDigest).toBe(amd64.digest);
    expect(onIndex.baseLayers).toEqual(plan.baseLayers);
  });

  it("refuses a base given by tag only, and the default base is distroless Node.js 20 pinned by digest", async () => {
    await expect(planExecutorImage({ specDir: EXAMPLE, base: "gcr.io/distroless/nodejs20-debian12:latest" })).rejects.toThrow(
      /must be pinned by digest/,
    );
    expect(DEFAULT_BASE_IMAGE).toMatch(/^gcr\.io\/distroless\/nodejs20-debian12@sha256:[0-9a-f]{64}$/);
  });

  it("builds nothing from specs that may not deploy (Red, unacknowledged Yellow) or do not load", async () => {
    const out = join(work, "refused-layout");
    for (const tool of [RED_TOOL, YELLOW_TOOL]) {
      const refusal = planExecutorImage({ documents: [ITEM, GREEN_TOOL, tool], source: "small-app", base }).then((p) =>
        writeExecutorImageLayout(p, out),
      );
      await expect(refusal).rejects.toThrow(NotDeployableError);
      await expect(refusal).rejects.toMatchObject({ refused: [expect.objectContaining({ name: tool.name })], tools: 2 });
    }
    await expect(
      planExecutorImage({ documents: [{ kind: "Entity", name: "Thing", fields: { size: { type: "integr" } } }], source: "bad", base }),
    ).rejects.toThrow(InvalidSpecsError);
    expect(existsSync(out)).toBe(false);
  });

  it("writes an OCI layout that umoci unpacks and skopeo reads, with the same digest", async () => {
    const out = join(work, "image");
    const written = await writeExecutorImageLayout(plan, out, { tag: "app" });
    expect(written).toEqual({ dir: out, digest: plan.digest, reference: `oci:${out}:app` });
    expect(readLayoutIndex(out).manifests).toEqual([
      expect.objectContaining({ digest: plan.digest, annotations: { "org.opencontainers.image.ref.name": "app" } }),
    ]);
    expect(JSON.parse(run("skopeo", ["inspect", `oci:${out}:app`])).Digest).toBe(plan.digest);
    const rootfs = join(work, "unpacked");
    run("umoci", ["unpack", "--rootless", "--image", `${out}:app`, rootfs]);
    expect(readFileSync(join(rootfs, "rootfs", "etc", "fascia-test-base.txt"), "utf8")).toBe("a test base image\n");
    expect(JSON.parse(readFileSync(join(rootfs, "rootfs", "app", "manifest.json"), "utf8"))).toEqual(plan.manifest);
    // Written again into the same layout: nothing changes.
    await writeExecutorImageLayout(plan, out, { tag: "app" });
    expect(readLayoutIndex(out).manifests).toHaveLength(1);
  });
});

function parseLayout(ref: string): string {
  const parsed = parseImageRef(ref);
  if (parsed.kind !== "layout") throw new Error(`${ref} is not a layout`);
  return parsed.dir;
}
