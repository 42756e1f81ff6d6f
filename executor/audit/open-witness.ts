/**
 * FASCIA_AUDIT_WITNESS (and `fascia audit verify --witness`) to a witness: `gs://bucket[/prefix]`
 * is a Cloud Storage bucket (gcs-witness.ts), `file:///path` or any path a local directory
 * (directory-witness.ts; a relative path from the working directory). Any other scheme is refused
 * by name rather than taken for a directory called `s3:`.
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DirectoryWitness, type DirectoryWitnessOptions } from "./directory-witness";
import { GcsWitness, type GcsWitnessOptions } from "./gcs-witness";
import type { Witness } from "./witness";

export interface OpenWitnessOptions {
  /** What a relative directory is resolved against (default process.cwd()). */
  cwd?: string;
  gcs?: Omit<GcsWitnessOptions, "bucket" | "prefix">;
  directory?: DirectoryWitnessOptions;
}

/** A bucket name as Cloud Storage allows it: lowercase letters, digits, `-`, `_` and `.`, 3 to 222 characters. */
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

export type WitnessSpec = { kind: "gcs"; bucket: string; prefix: string } | { kind: "directory"; dir: string };

export function parseWitnessSpec(spec: string, cwd = process.cwd()): WitnessSpec {
  const text = spec.trim();
  const usage = "a witness is gs://bucket[/prefix] or a local directory";
  if (text === "") throw new Error(`the audit witness is empty: ${usage}`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === "gs") {
    const [bucket = "", ...rest] = text.slice("gs://".length).split("/");
    if (!BUCKET.test(bucket))
      throw new Error(`the audit witness ${text}: ${JSON.stringify(bucket)} is not a Cloud Storage bucket name (${usage})`);
    const path = rest.filter((part) => part !== "").join("/");
    return { kind: "gcs", bucket, prefix: path ? `${path}/` : "" };
  }
  if (scheme === "file") return { kind: "directory", dir: fileURLToPath(text) };
  if (scheme !== undefined) throw new Error(`the audit witness ${text}: ${scheme}:// is not a witness Fascia can write to (${usage})`);
  return { kind: "directory", dir: isAbsolute(text) ? text : resolve(cwd, text) };
}

export function openWitness(spec: string, options: OpenWitnessOptions = {}): Witness {
  const parsed = parseWitnessSpec(spec, options.cwd);
  return parsed.kind === "gcs"
    ? new GcsWitness({ ...options.gcs, bucket: parsed.bucket, prefix: parsed.prefix })
    : new DirectoryWitness(parsed.dir, options.directory);
}
