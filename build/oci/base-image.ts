/**
 * The base image, read as far as building on it needs: its manifest and its config, never its
 * layers (those are only read when a push or a layout write has to copy them). An index (a
 * multi-platform image) is resolved to its linux/amd64 manifest. Pinned bytes are checked
 * against their digests, so a registry cannot hand over another image than the one named.
 */
import type { Readable } from "node:stream";
import { PLATFORM, isIndex } from "./media-types";
import { verifiedBytes, type Descriptor } from "./descriptor";
import { parseImageRef, type ImageRef, type RegistryImageRef } from "./reference";
import { layoutImage, openLayoutBlob, readLayoutBlob } from "./layout";
import { RegistryClient } from "./registry-client";
import type { RegistryAccess } from "./registry-auth";

/**
 * Google's distroless Node.js 20 on Debian 12: node and its runtime libraries, no shell, no
 * package manager; Entrypoint `/nodejs/bin/node`. Pinned by digest (the image index: the
 * linux/amd64 image is picked from it), so the executor image's digest changes only when this
 * line does. To move to a newer one: `skopeo inspect --raw docker://gcr.io/distroless/nodejs20-debian12:latest | sha256sum`
 * (or `crane digest`), put the digest here, and read the release notes of distroless. The one
 * home of the base image: `fascia image`, FasciaExecutorImage and `fascia build`'s Dockerfile use it.
 */
export const DEFAULT_BASE_IMAGE =
  "gcr.io/distroless/nodejs20-debian12@sha256:6fe218dbad37e979c7542e670d28d6e23d3f53d2929693bc9cdded8b622f339f";

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

interface ImageIndex {
  manifests: Descriptor[];
}

/** An image config (image spec, "Image Configuration"); members Fascia does not touch are kept as they are. */
export interface ImageConfig {
  created?: string;
  architecture?: string;
  os?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, object>;
    [key: string]: unknown;
  };
  rootfs: { type: "layers"; diff_ids: string[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
  [key: string]: unknown;
}

export interface BaseImage {
  /** As given. */
  text: string;
  ref: ImageRef;
  /** The digest of the image manifest built on (the platform's, when `ref` names an index). */
  manifestDigest: string;
  manifest: ImageManifest;
  config: ImageConfig;
}

/** Where a base image's bytes come from: a registry (with its access) or a layout folder. */
interface Source {
  manifest(reference: string): Promise<Buffer>;
  blob(digest: string): Promise<Buffer>;
  close(): Promise<void>;
}

function registrySource(ref: RegistryImageRef, access?: RegistryAccess): Source {
  const client = new RegistryClient(ref.registry, access, [`repository:${ref.repository}:pull`]);
  return {
    manifest: async (reference) => (await client.getManifest(ref.repository, reference)).bytes,
    blob: (digest) => client.getBlob(ref.repository, digest),
    close: () => client.close(),
  };
}

export async function readBaseImage(text: string, access?: RegistryAccess): Promise<BaseImage> {
  const ref = parseImageRef(text);
  let digest: string;
  let source: Source;
  if (ref.kind === "layout") {
    digest = layoutImage(ref.dir, ref.tag).digest;
    source = {
      manifest: async (d) => readLayoutBlob(ref.dir, d),
      blob: async (d) => readLayoutBlob(ref.dir, d),
      close: async () => {},
    };
  } else {
    digest = ref.digest;
    source = registrySource(ref, access);
  }
  try {
    let bytes = verifiedBytes(await source.manifest(digest), digest, `the base image ${text}`);
    let parsed = JSON.parse(bytes.toString("utf8")) as ImageManifest & ImageIndex;
    if (isIndex(parsed.mediaType) || (!parsed.config && Array.isArray(parsed.manifests))) {
      const chosen = parsed.manifests.find((m) => m.platform?.os === PLATFORM.os && m.platform.architecture === PLATFORM.architecture);
      if (!chosen) throw new Error(`the base image ${text} has no ${PLATFORM.os}/${PLATFORM.architecture} image`);
      digest = chosen.digest;
      bytes = verifiedBytes(await source.manifest(digest), digest, `the ${PLATFORM.os}/${PLATFORM.architecture} image of ${text}`);
      parsed = JSON.parse(bytes.toString("utf8")) as ImageManifest & ImageIndex;
    }
    if (!parsed.config || !Array.isArray(parsed.layers)) throw new Error(`the base image ${text} (${digest}) is not an image manifest`);
    const configBytes = verifiedBytes(
      await source.blob(parsed.config.digest),
      parsed.config.digest,
      `the config of the base image ${text}`,
    );
    const config = JSON.parse(configBytes.toString("utf8")) as ImageConfig;
    if (config.rootfs?.diff_ids?.length !== parsed.layers.length)
      throw new Error(
        `the base image ${text}: its config lists ${config.rootfs?.diff_ids?.length ?? 0} layers, its manifest ${parsed.layers.length}`,
      );
    return { text, ref, manifestDigest: digest, manifest: parsed, config };
  } finally {
    await source.close();
  }
}

/** A base layer's bytes, streamed: from the layout, or from the base's registry with `access`. */
export function baseLayerOpener(
  base: BaseImage,
  access?: RegistryAccess,
): { open(digest: string): Promise<Readable>; close(): Promise<void> } {
  const ref = base.ref;
  if (ref.kind === "layout") return { open: async (digest) => openLayoutBlob(ref.dir, digest), close: async () => {} };
  const client = new RegistryClient(ref.registry, access, [`repository:${ref.repository}:pull`]);
  return { open: (digest) => client.openBlob(ref.repository, digest), close: () => client.close() };
}
