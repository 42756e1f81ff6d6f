/**
 * Governance bound to what runs: the deployment writes FASCIA_PLAN_HASH, the plan hash of the
 * manifest compiled from the specs it governed; the executor recomputes the plan hash of the
 * manifest in its image and refuses to serve or migrate when the two differ, so an image built
 * from other specs never runs next to a governed deployment. Both serve and migrate check before
 * opening the database: a refused migration job has touched nothing.
 *
 * FASCIA_PLAN_HASH unset (or empty) means a local run (`node executor.js` by hand, tests): the
 * manifest runs unchecked and the process says so. The deployment always sets it.
 */
import { ENV } from "../../contracts/environment";
import { manifestPlanHash, type AppManifest } from "../app/manifest";

export interface PlanCheck {
  /** The plan hash of the manifest this process runs. */
  planHash: string;
  /** False when FASCIA_PLAN_HASH was not set, so nothing was compared. */
  checked: boolean;
}

export class PlanHashMismatchError extends Error {
  constructor(
    /** FASCIA_PLAN_HASH: the plan the deployment governed. */
    readonly expected: string,
    /** The plan hash of the manifest in the image. */
    readonly actual: string,
    readonly manifestPath: string,
  ) {
    super(
      `the manifest ${manifestPath} has plan hash ${actual}, but the deployment governed plan ${expected} (${ENV.planHash}): ` +
        "this image was built from other specs, or by another Fascia version, than the deployment's. " +
        "Rebuild it with `fascia build <specDir> --out <folder>` from the specs the deployment names, with the same @fascia/pulumi version, " +
        "push it and deploy it by its new digest",
    );
    this.name = "PlanHashMismatchError";
  }
}

/** Throws PlanHashMismatchError when FASCIA_PLAN_HASH is set and is not the manifest's plan hash. */
export function checkPlanHash(manifest: AppManifest, manifestPath: string, env: NodeJS.ProcessEnv): PlanCheck {
  const planHash = manifestPlanHash(manifest);
  const expected = env[ENV.planHash];
  if (!expected) return { planHash, checked: false };
  if (expected !== planHash) throw new PlanHashMismatchError(expected, planHash, manifestPath);
  return { planHash, checked: true };
}
