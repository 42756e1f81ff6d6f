/**
 * OCI image layouts on disk (image spec, "OCI Image Layout"): `oci-layout`, `index.json` and
 * `blobs/sha256/<hex>`. Read as a base image (`oci:DIR[:TAG]`), written as the output of
 * `fascia image --oci`. Writing into an existing layout keeps its other images, so a base and the
 * image built on it can share one folder.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { join } from "node:path";
import { MEDIA, REF_NAME } from "./media-types";
import { isDigest, type Descriptor } from "./descriptor";

export const LAYOUT_FILE = "oci-layout";
export const INDEX_FILE = "index.json";

export interface LayoutIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export function blobPath(dir: string, digest: string): string {
  if (!isDigest(digest)) throw new Error(`${digest} is not a sha256 digest`);
  return join(dir, "blobs", "sha256", digest.slice("sha256:".length));
}

export function readLayoutIndex(dir: string): LayoutIndex {
  if (!existsSync(join(dir, LAYOUT_FILE))) throw new Error(`${dir} is not an OCI image layout (no ${LAYOUT_FILE})`);
  return JSON.parse(readFileSync(join(dir, INDEX_FILE), "utf8")) as LayoutIndex;
}

/** The descriptor of the image tagged `tag` in the layout, or its only image when no tag is given. */
export function layoutImage(dir: string, tag?: string): Descriptor {
  const { manifests } = readLayoutIndex(dir);
  const found = tag === undefined ? manifests : manifests.filter((d) => d.annotations?.[REF_NAME] === tag);
  if (found.length === 1) return found[0]!;
  const tags = manifests.map((d) => d.annotations?.[REF_NAME]).filter((t): t is string => t !== undefined);
  if (tag === undefined)
    throw new Error(`${dir} holds ${manifests.length} images: name one as oci:${dir}:TAG (tags: ${tags.join(", ") || "none"})`);
  throw new Error(`${dir} has ${found.length === 0 ? "no" : "several"} images tagged ${tag} (tags: ${tags.join(", ") || "none"})`);
}

export function readLayoutBlob(dir: string, digest: string): Buffer {
  return readFileSync(blobPath(dir, digest));
}

export function openLayoutBlob(dir: string, digest: string): Readable {
  return createReadStream(blobPath(dir, digest));
}

/** Writes a blob unless the layout has it (content-addressed: same name, same bytes). */
export async function writeLayoutBlob(dir: string, digest: string, content: Buffer | (() => Promise<Readable>)): Promise<void> {
  const path = blobPath(dir, digest);
  if (existsSync(path)) return;
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const partial = `${path}.partial`;
  if (Buffer.isBuffer(content)) writeFileSync(partial, content);
  else await pipeline(await content(), createWriteStream(partial));
  renameSync(partial, path);
}

/** Starts a layout in `dir` when there is none; adds `image` to its index, replacing any image with the same tag. */
export function addToLayoutIndex(dir: string, image: Descriptor, tag?: string): void {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, LAYOUT_FILE))) writeFileSync(join(dir, LAYOUT_FILE), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
  const index: LayoutIndex = existsSync(join(dir, INDEX_FILE))
    ? readLayoutIndex(dir)
    : { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [] };
  const entry: Descriptor = {
    mediaType: image.mediaType,
    digest: image.digest,
    size: image.size,
    ...(tag ? { annotations: { [REF_NAME]: tag } } : {}),
  };
  const kept = index.manifests.filter((d) =>
    tag ? d.annotations?.[REF_NAME] !== tag : d.digest !== image.digest || d.annotations?.[REF_NAME],
  );
  writeFileSync(join(dir, INDEX_FILE), `${JSON.stringify({ ...index, manifests: [...kept, entry] })}\n`);
}
