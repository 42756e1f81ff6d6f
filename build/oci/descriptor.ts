/** Content addressing: a blob's digest, and the descriptor that points at it. */
import { createHash } from "node:crypto";

export interface Descriptor {
  mediaType: string;
  /** `sha256:<64 hex>`. */
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
}

/** A blob whose bytes are in memory (a manifest, a config, the app layer). */
export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

export function blobOf(mediaType: string, bytes: Buffer): Blob {
  return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

/** Bytes said to be `digest` (a pinned manifest, a config read back), checked. */
export function verifiedBytes(bytes: Buffer, digest: string, what: string): Buffer {
  const actual = sha256Digest(bytes);
  if (actual !== digest) throw new Error(`${what}: expected ${digest}, got ${actual}`);
  return bytes;
}

/** The JSON of a manifest or config, as the bytes that are hashed: key order as built, no spaces. */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), "utf8");
}
