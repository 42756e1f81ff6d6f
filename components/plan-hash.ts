/**
 * What ties a deployment to what runs. The plan hash is the plan hash of the app manifest compiled
 * from the specs the deployment governs (`manifestPlanHash`, the function the executor uses on the
 * manifest in its image): it goes to FASCIA_PLAN_HASH, and the executor refuses any other
 * (docs/executor-config.md, "The plan hash"). The image, which the executor cannot know from
 * inside, is pinned by digest instead: Cloud Run runs exactly the digest the deployment names.
 * Pure: no Pulumi imports.
 */
import { createHash } from "node:crypto";
import { compileSpecSet } from "../build/compile-app";
import { canonicalJson } from "../contracts/canonical-json";
import { manifestPlanHash } from "../executor/app/manifest";
import type { SpecSet } from "../loader/model";
import type { ToolAssessment } from "../risk/engine";

/** The plan hash of `specs`: equal to what `fascia build` prints for, and the executor computes from, the same specs. */
export function specsPlanHash(specs: SpecSet, label: string, assessments?: readonly ToolAssessment[]): string {
  // The label becomes the manifest's `source`, which the hash leaves out: any label gives the same hash.
  return manifestPlanHash(compileSpecSet(specs, label, assessments));
}

/**
 * The migration job's `runExecutionToken`: a new execution whenever the plan or the image changes.
 * The image counts although the plan does not name it: a new executor version in the same app
 * may bring new executor tables, which only the migration job creates.
 */
export function migrationRunToken(planHash: string, image: string): string {
  return createHash("sha256").update(canonicalJson({ planHash, image })).digest("hex").slice(0, 16);
}

/** The image must be named by digest, so a deploy is reproducible and the hash means something. */
export const IMAGE_BY_DIGEST = /^[a-z0-9.-]+(?::[0-9]+)?\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/;

export function checkImageByDigest(image: string): void {
  if (!IMAGE_BY_DIGEST.test(image)) {
    throw new Error(`\`image\` must name the executor image by digest (…@sha256:<64 hex>), got "${image}"`);
  }
}
