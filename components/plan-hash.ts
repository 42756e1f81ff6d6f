/**
 * One hash of everything a deploy decides: the target schema (the entity specs the migration job
 * converges the database to), the risk report, and the image digest. Keys are sorted before
 * hashing, so the hash changes only when a decision does, never with the order specs were written
 * in. Pure: no Pulumi imports.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../contracts/canonical-json";

export interface PlanParts {
  /** Entity specs by name (the schema the migration converges to). */
  schema: unknown;
  /** The risk report JSON. */
  risk: unknown;
  image: string;
}

export function planHash(parts: PlanParts): string {
  return createHash("sha256")
    .update(canonicalJson({ schema: parts.schema, risk: parts.risk, image: parts.image }))
    .digest("hex");
}

/** The image must be named by digest, so a deploy is reproducible and the hash means something. */
export const IMAGE_BY_DIGEST = /^[a-z0-9.-]+(?::[0-9]+)?\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/;

export function checkImageByDigest(image: string): void {
  if (!IMAGE_BY_DIGEST.test(image)) {
    throw new Error(`\`image\` must name the executor image by digest (…@sha256:<64 hex>), got "${image}"`);
  }
}
