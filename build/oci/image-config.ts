/**
 * The executor image's config and manifest, from the base's and the app layer: pure functions of
 * their inputs, with no time, path or machine in them, so the image's digest is a function of the
 * base, the executor bundle and the app's manifest alone.
 */
import { MEDIA } from "./media-types";
import { blobOf, jsonBytes, type Blob } from "./descriptor";
import type { BaseImage, ImageConfig, ImageManifest } from "./base-image";
import type { Layer } from "./app-layer";

/** Every time in the image: the Unix epoch (as reproducible-builds tools do), never "now". */
export const IMAGE_CREATED = "1970-01-01T00:00:00Z";
/** Where a distroless Node.js image keeps node: its Entrypoint, and ours on a base without one. */
export const DISTROLESS_NODE = "/nodejs/bin/node";
/** distroless's `nonroot` user: the executor never runs as root, even on a base whose user is. */
export const NONROOT = "65532:65532";
export const APP_DIR = "/app";
export const PORT = 8080;

export const LABELS = {
  planHash: "dev.fascia.plan-hash",
  source: "dev.fascia.source",
  baseName: "org.opencontainers.image.base.name",
  baseDigest: "org.opencontainers.image.base.digest",
} as const;

export interface AppSettings {
  /** The executor bundle's path in the image. */
  program: string;
  /** The app manifest's path in the image. */
  manifest: string;
  planHash: string;
  source: string;
}

function isNode(program: string | undefined): boolean {
  return program !== undefined && /(^|\/)node(js)?$/.test(program);
}

/**
 * How the image starts the executor. A base whose Entrypoint is node (distroless) keeps it and
 * gets the program as its Cmd; a base with no Entrypoint gets distroless's node; any other
 * Entrypoint (the official node image's docker-entrypoint.sh, which execs its arguments) is kept
 * and given `node <program>`.
 */
export function startCommand(base: ImageConfig["config"], program: string): { Entrypoint: string[]; Cmd: string[] } {
  const entrypoint = base?.Entrypoint ?? [];
  if (entrypoint.length === 0) return { Entrypoint: [DISTROLESS_NODE], Cmd: [program] };
  if (isNode(entrypoint[entrypoint.length - 1])) return { Entrypoint: entrypoint, Cmd: [program] };
  return { Entrypoint: entrypoint, Cmd: ["node", program] };
}

function withEnv(env: readonly string[], set: Record<string, string>): string[] {
  const names = new Set(Object.keys(set));
  return [...env.filter((e) => !names.has(e.slice(0, e.indexOf("=") >>> 0))), ...Object.entries(set).map(([k, v]) => `${k}=${v}`)];
}

export function executorConfig(base: BaseImage, layer: Layer, app: AppSettings): ImageConfig {
  const inner = base.config.config ?? {};
  const user = inner.User;
  return {
    ...base.config,
    created: IMAGE_CREATED,
    config: {
      ...inner,
      User: !user || user === "root" || user === "0" || user.startsWith("0:") || user.startsWith("root:") ? NONROOT : user,
      Env: withEnv(inner.Env ?? [], { NODE_ENV: "production", FASCIA_APP_MANIFEST: app.manifest, PORT: String(PORT) }),
      ...startCommand(inner, app.program),
      WorkingDir: APP_DIR,
      ExposedPorts: { ...inner.ExposedPorts, [`${PORT}/tcp`]: {} },
      Labels: {
        ...inner.Labels,
        [LABELS.planHash]: app.planHash,
        [LABELS.source]: app.source,
        // A layout's folder is a path of the building machine: only a registry's name is a name.
        ...(base.ref.kind === "registry" ? { [LABELS.baseName]: base.text } : {}),
        [LABELS.baseDigest]: base.manifestDigest,
      },
    },
    rootfs: { type: "layers", diff_ids: [...base.config.rootfs.diff_ids, layer.diffId] },
    history: [
      ...(base.config.history ?? []),
      { created: IMAGE_CREATED, created_by: `fascia image: ${APP_DIR} (executor bundle, app manifest)` },
    ],
  };
}

/** The OCI image manifest: the base's layers exactly as they were, then the app layer. */
export function executorManifest(base: ImageManifest, config: Blob, layer: Layer): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: config.descriptor,
    layers: [...base.layers, layer.descriptor],
  };
}

export function configBlob(config: ImageConfig): Blob {
  return blobOf(MEDIA.ociConfig, jsonBytes(config));
}
