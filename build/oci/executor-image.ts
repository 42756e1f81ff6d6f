/**
 * The executor's OCI image, built and pushed without a Docker daemon (docs/executor.md, "The
 * image without Docker"): the base image, pinned by digest, plus ONE layer holding `/app/executor.js`,
 * its map and the app's `manifest.json`. planExecutorImage governs and compiles the specs, bundles
 * the executor and computes every byte of the image but the base's layers, so its digest is known
 * before anything is pushed (a Pulumi preview shows it); pushExecutorImage sends it to a registry
 * over the distribution API; writeExecutorImageLayout writes it as an OCI layout on disk.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Readable } from "node:stream";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { validSpecs } from "../../loader/invalid-specs";
import { loadSpecDir, loadSpecObjects } from "../../loader/load";
import { manifestText, type AppManifest } from "../../executor/app/manifest";
import { BUNDLE_FILE, provideExecutorBundle } from "../bundle-executor";
import { governedApp } from "../governed-app";
import { MANIFEST_FILE } from "../app-image";
import { buildLayer, type Layer } from "./app-layer";
import { DEFAULT_BASE_IMAGE, baseLayerOpener, readBaseImage, type BaseImage, type ImageManifest } from "./base-image";
import { blobOf, jsonBytes, type Blob, type Descriptor } from "./descriptor";
import { APP_DIR, configBlob, executorConfig, executorManifest } from "./image-config";
import { addToLayoutIndex, writeLayoutBlob } from "./layout";
import { MEDIA } from "./media-types";
import { parseRepository } from "./reference";
import { RegistryClient } from "./registry-client";
import type { RegistryAccess } from "./registry-auth";

export type { RegistryAccess } from "./registry-auth";
export { RegistryError } from "./registry-error";
export { NotDeployableError } from "../governed-app";
export { DEFAULT_BASE_IMAGE } from "./base-image";

export type ExecutorImageOptions =
  | { specDir: string; base?: string; access?: RegistryAccess }
  | { documents: unknown[]; source: string; base?: string; access?: RegistryAccess };

export interface ExecutorImagePlan {
  /** `sha256:…` of the image manifest: the image's identity. */
  digest: string;
  /** The plan hash of the app manifest in the image: the FASCIA_PLAN_HASH its executor accepts. */
  planHash: string;
  /** The app manifest in the image. */
  manifest: AppManifest;
  /** The base image as given. */
  base: string;
  /** The base as read: its reference, the platform manifest built on, its config. */
  baseImage: BaseImage;
  /** The OCI image manifest's exact bytes and descriptor. */
  imageManifest: Blob;
  /** The image config's bytes and descriptor. */
  config: Blob;
  /** The app layer (tar.gz), with its diff id. */
  appLayer: Layer;
  /** The base's layers, exactly as its manifest lists them (their bytes stay where they are). */
  baseLayers: readonly Descriptor[];
}

export const PROGRAM_PATH = `${APP_DIR}/${BUNDLE_FILE}`;
export const MANIFEST_PATH = `${APP_DIR}/${MANIFEST_FILE}`;

/** The bundle's bytes, made once per process: the executor's sources do not change under a running program. */
let bundled: Promise<{ program: Buffer; map: Buffer }> | undefined;

function executorBundle(): Promise<{ program: Buffer; map: Buffer }> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "fascia-image-bundle-"));
    try {
      const bundle = await provideExecutorBundle(dir);
      return { program: readFileSync(bundle.file), map: readFileSync(`${bundle.file}.map`) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  bundled.catch(() => (bundled = undefined));
  return bundled;
}

/**
 * Everything about the image but the base's layer bytes. Throws, having built nothing:
 * InvalidSpecsError, NotDeployableError (a tool may not deploy), ManifestError, or the base's
 * reference or registry errors. The manifest's `source` is `source`, or the spec folder's name
 * (never a path of the building machine).
 */
export async function planExecutorImage(options: ExecutorImageOptions): Promise<ExecutorImagePlan> {
  const base = options.base ?? DEFAULT_BASE_IMAGE;
  const { manifest, planHash } =
    "specDir" in options
      ? governedApp(validSpecs(loadSpecDir(options.specDir), options.specDir), basename(resolve(options.specDir)), options.specDir)
      : governedApp(validSpecs(loadSpecObjects(options.documents, options.source), options.source), options.source);
  const [bundle, baseImage] = await Promise.all([executorBundle(), readBaseImage(base, options.access)]);
  const appLayer = await buildLayer([
    { path: PROGRAM_PATH, bytes: bundle.program },
    { path: `${PROGRAM_PATH}.map`, bytes: bundle.map },
    { path: MANIFEST_PATH, bytes: Buffer.from(manifestText(manifest), "utf8") },
  ]);
  const config = configBlob(
    executorConfig(baseImage, appLayer, { program: PROGRAM_PATH, manifest: MANIFEST_PATH, planHash, source: manifest.source }),
  );
  const imageManifest = blobOf(MEDIA.ociManifest, jsonBytes(executorManifest(baseImage.manifest, config, appLayer)));
  return {
    digest: imageManifest.descriptor.digest,
    planHash,
    manifest,
    base,
    baseImage,
    imageManifest,
    config,
    appLayer,
    baseLayers: baseImage.manifest.layers,
  };
}

export interface PushResult {
  /** `repository@sha256:…`. */
  reference: string;
  /** Digests of the blobs sent. */
  uploaded: string[];
  /** Digests of the blobs the registry linked from the base's repository instead. */
  mounted: string[];
  /** Digests of the blobs the repository already had. */
  present: string[];
}

/**
 * Pushes the planned image to `repository` (`HOST/PATH`): each blob is checked (HEAD), mounted
 * from the base's repository when the base is in the same registry, or uploaded (a base layer
 * streamed from the base's registry or layout); then the manifest, by digest and by `tag` when given.
 */
export async function pushExecutorImage(
  plan: ExecutorImagePlan,
  repository: string,
  options: { access?: RegistryAccess; baseAccess?: RegistryAccess; tag?: string } = {},
): Promise<PushResult> {
  const target = parseRepository(repository);
  const baseRef = plan.baseImage.ref;
  const mountFrom = baseRef.kind === "registry" && baseRef.registry === target.registry ? baseRef.repository : undefined;
  const scopes = [
    `repository:${target.repository}:pull,push`,
    ...(mountFrom && mountFrom !== target.repository ? [`repository:${mountFrom}:pull`] : []),
  ];
  const client = new RegistryClient(target.registry, options.access, scopes);
  const baseLayers = baseLayerOpener(plan.baseImage, options.baseAccess ?? (mountFrom ? options.access : undefined));
  const result: PushResult = { reference: `${repository}@${plan.digest}`, uploaded: [], mounted: [], present: [] };
  try {
    const blobs: { descriptor: Descriptor; body: () => Promise<Buffer | Readable>; fromBase: boolean }[] = [
      ...plan.baseLayers.map((descriptor) => ({ descriptor, body: () => baseLayers.open(descriptor.digest), fromBase: true })),
      { descriptor: plan.config.descriptor, body: async () => plan.config.bytes, fromBase: false },
      { descriptor: plan.appLayer.descriptor, body: async () => plan.appLayer.bytes, fromBase: false },
    ];
    const seen = new Set<string>();
    for (const blob of blobs) {
      const { digest } = blob.descriptor;
      if (seen.has(digest)) continue;
      seen.add(digest);
      if (await client.hasBlob(target.repository, digest)) {
        result.present.push(digest);
        continue;
      }
      let location: string | undefined;
      if (blob.fromBase && mountFrom && mountFrom !== target.repository) {
        const mount = await client.mountBlob(target.repository, digest, mountFrom);
        if (mount.mounted) {
          result.mounted.push(digest);
          continue;
        }
        location = mount.location;
      }
      await client.putBlob(location ?? (await client.startUpload(target.repository)), blob.descriptor, blob.body);
      result.uploaded.push(digest);
    }
    const { bytes, descriptor } = plan.imageManifest;
    const stored = await client.putManifest(target.repository, plan.digest, bytes, descriptor.mediaType);
    if (stored && stored !== plan.digest) throw new Error(`the registry stored the manifest as ${stored}, not ${plan.digest}`);
    if (options.tag) await client.putManifest(target.repository, options.tag, bytes, descriptor.mediaType);
    return result;
  } finally {
    await Promise.all([client.close(), baseLayers.close()]);
  }
}

/**
 * Writes the planned image into an OCI image layout at `dir` (created, or added to: its other
 * images stay), tagged `tag` in index.json when given. The base's layers are copied from its
 * registry (with `baseAccess`) or layout.
 */
export async function writeExecutorImageLayout(
  plan: ExecutorImagePlan,
  dir: string,
  options: { tag?: string; baseAccess?: RegistryAccess } = {},
): Promise<{ dir: string; digest: string; reference: string }> {
  const baseLayers = baseLayerOpener(plan.baseImage, options.baseAccess);
  try {
    for (const layer of plan.baseLayers) await writeLayoutBlob(dir, layer.digest, () => baseLayers.open(layer.digest));
  } finally {
    await baseLayers.close();
  }
  for (const blob of [plan.config, plan.appLayer, plan.imageManifest]) await writeLayoutBlob(dir, blob.descriptor.digest, blob.bytes);
  addToLayoutIndex(dir, plan.imageManifest.descriptor, options.tag);
  return { dir, digest: plan.digest, reference: `oci:${dir}${options.tag ? `:${options.tag}` : ""}` };
}

export type { ImageManifest };
