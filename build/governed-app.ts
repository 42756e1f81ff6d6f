/**
 * The one rule every image of an app passes: specs that may not deploy (a Red tool, or a Yellow
 * one with an unacknowledged finding — what `pulumi preview` refuses) compile into no manifest,
 * so no image can carry them. `fascia build`'s folder and `fascia image`'s OCI image both come
 * through here.
 */
import { compileSpecSet } from "./compile-app";
import type { SpecSet } from "../loader/model";
import { assessSpecs, type ToolAssessment } from "../risk/engine";
import { manifestPlanHash, type AppManifest } from "../executor/app/manifest";

/**
 * Some tool may not deploy (Red, or Yellow with an unacknowledged finding), so no image is built:
 * an image the deployment would refuse is of no use, and one that could run without the
 * deployment's governance must not exist. Carries the whole judgement for the message.
 */
export class NotDeployableError extends Error {
  constructor(
    /** The specs as the user knows them: a folder, a component's name. */
    readonly specDir: string,
    readonly refused: readonly ToolAssessment[],
    readonly tools: number,
  ) {
    super(`${specDir}: ${refused.length} of ${tools} tools may not deploy: ${refused.map((a) => `${a.name} (${a.risk})`).join(", ")}`);
    this.name = "NotDeployableError";
  }
}

export interface GovernedApp {
  manifest: AppManifest;
  /** The manifest's plan hash: the FASCIA_PLAN_HASH a deployment of the same specs sets. */
  planHash: string;
}

/**
 * Valid specs → assessed → refused (NotDeployableError) or compiled into the app manifest whose
 * `source` is `source`. `label` names the specs in the refusal (default `source`).
 */
export function governedApp(specs: SpecSet, source: string, label = source): GovernedApp {
  const assessments = assessSpecs(specs);
  const refused = assessments.filter((a) => !a.deployable);
  if (refused.length > 0) throw new NotDeployableError(label, refused, assessments.length);
  const manifest = compileSpecSet(specs, source, assessments);
  return { manifest, planHash: manifestPlanHash(manifest) };
}
