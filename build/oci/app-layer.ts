/**
 * The one layer Fascia adds to the base image: `/app` and the files in it, as a reproducible
 * tar.gz. Everything that could differ between two machines building the same files is fixed:
 * entries sorted by path, every parent folder its own entry, mtime 0, owner 0:0 with no user or
 * group names, modes 0644 (files) and 0755 (folders), and a gzip header with no time and a fixed
 * OS byte. The same files therefore give the same bytes, so the same digests, anywhere.
 */
import { gzipSync } from "node:zlib";
import { pack, type Header } from "tar-stream";
import { MEDIA } from "./media-types";
import { blobOf, sha256Digest, type Blob } from "./descriptor";

export interface LayerFile {
  /** Absolute path in the image, e.g. `/app/executor.js`. */
  path: string;
  bytes: Buffer;
}

export interface Layer extends Blob {
  /** sha256 of the uncompressed tar: the layer's entry in the config's rootfs.diff_ids. */
  diffId: string;
}

const EPOCH = new Date(0);
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;
/** RFC 1952's OS byte for Unix: what zlib writes on Linux and macOS, set explicitly so Windows writes it too. */
const GZIP_OS_UNIX = 3;

function header(name: string, type: "file" | "directory", size: number): Partial<Header> & Pick<Header, "name"> {
  return { name, type, size, mode: type === "file" ? FILE_MODE : DIR_MODE, mtime: EPOCH, uid: 0, gid: 0, uname: "", gname: "" };
}

/** The folders above each file and the files, sorted, as tar entry names (relative, folders ending in /). */
function entries(files: readonly LayerFile[]): { name: string; bytes?: Buffer }[] {
  const out = new Map<string, Buffer | undefined>();
  for (const file of files) {
    const parts = file.path.replace(/^\/+/, "").split("/");
    if (parts.some((p) => p === "" || p === "." || p === "..")) throw new Error(`layer path ${file.path} is not a plain absolute path`);
    for (let i = 1; i < parts.length; i++) out.set(`${parts.slice(0, i).join("/")}/`, undefined);
    if (out.has(parts.join("/"))) throw new Error(`layer path ${file.path} given twice`);
    out.set(parts.join("/"), file.bytes);
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, bytes]) => ({ name, bytes }));
}

export async function tarOf(files: readonly LayerFile[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    tar.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    tar.on("end", () => resolve(Buffer.concat(chunks)));
    tar.on("error", reject);
  });
  for (const entry of entries(files)) {
    if (entry.bytes) tar.entry(header(entry.name, "file", entry.bytes.length), entry.bytes);
    else tar.entry(header(entry.name, "directory", 0));
  }
  tar.finalize();
  return done;
}

/** gzip with no file name and no time in its header (node's zlib writes neither) and a fixed OS byte. */
export function deterministicGzip(bytes: Buffer): Buffer {
  const gz = gzipSync(bytes);
  gz[9] = GZIP_OS_UNIX;
  return gz;
}

export async function buildLayer(files: readonly LayerFile[]): Promise<Layer> {
  const tar = await tarOf(files);
  return { ...blobOf(MEDIA.ociLayerGzip, deterministicGzip(tar)), diffId: sha256Digest(tar) };
}
