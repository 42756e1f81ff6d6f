/**
 * The compiled app manifest: everything an executor instance needs, as plain JSON — the specs as
 * loaded, one execution plan per tool, the compiled relational model and each tool's risk level.
 * `compileApp(dir)` builds it from a spec directory; the bundle and the Cloud Run image carry it;
 * `readManifest` loads it back and refuses a manifest or plan version this executor does not know.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { canonicalJson } from "../../contracts/canonical-json";
import { PLAN_VERSION, type ExecutionPlan } from "../../compiler/flow/plan";
import type { RelationalModel } from "../../compiler/schema/model";
import type { RiskLevel } from "../../risk/rule";
import type { EntitySpec } from "../../language/entity";
import type { PolicySpec } from "../../language/policy";
import type { ToolSpec } from "../../language/tool";

export const MANIFEST_VERSION = 1 as const;

export interface AppManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  /** The plan format every plan below follows (docs/execution-plan.md). */
  planVersion: typeof PLAN_VERSION;
  /** Where the specs came from (a directory), for messages only: not part of the plan hash. */
  source: string;
  specs: { entities: EntitySpec[]; tools: ToolSpec[]; policies: PolicySpec[] };
  plans: Record<string, ExecutionPlan>;
  schema: RelationalModel;
  risk: Record<string, { level: RiskLevel; deployable: boolean }>;
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}

/** Checks the versions and the shape this executor relies on; throws ManifestError naming what is wrong. */
export function checkManifest(value: unknown, label = "manifest"): AppManifest {
  const m = value as Partial<AppManifest> | null;
  if (!m || typeof m !== "object") throw new ManifestError(`${label} is not a JSON object`);
  if (m.manifestVersion !== MANIFEST_VERSION)
    throw new ManifestError(
      `${label} has manifestVersion ${JSON.stringify(m.manifestVersion)}; this executor reads version ${MANIFEST_VERSION}`,
    );
  if (m.planVersion !== PLAN_VERSION)
    throw new ManifestError(
      `${label} has planVersion ${JSON.stringify(m.planVersion)}; this executor runs plans of version ${PLAN_VERSION}`,
    );
  if (!m.specs || !Array.isArray(m.specs.entities) || !Array.isArray(m.specs.tools) || !Array.isArray(m.specs.policies))
    throw new ManifestError(`${label} has no specs.entities/tools/policies lists`);
  if (!m.plans || typeof m.plans !== "object" || !m.schema || !Array.isArray(m.schema.tables))
    throw new ManifestError(`${label} has no plans or schema`);
  for (const tool of m.specs.tools) {
    const plan = m.plans[tool.name];
    if (!plan) throw new ManifestError(`${label} has no plan for tool ${tool.name}`);
    if (plan.planVersion !== PLAN_VERSION)
      throw new ManifestError(
        `${label}: the plan of ${tool.name} has planVersion ${JSON.stringify(plan.planVersion)}; this executor runs version ${PLAN_VERSION}`,
      );
  }
  return m as AppManifest;
}

export function readManifest(path: string): AppManifest {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ManifestError(`cannot read the app manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`the app manifest ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return checkManifest(value, path);
}

/** manifest.json's text: what `fascia build` writes and the executor image carries, byte for byte. */
export function manifestText(manifest: AppManifest): string {
  return `${JSON.stringify(manifest)}\n`;
}

export function writeManifest(path: string, manifest: AppManifest): void {
  writeFileSync(path, manifestText(manifest));
}

/**
 * The plan hash of a manifest: sha256 (hex) of the canonical JSON of everything in it but
 * `source`. It is what the deployment writes to FASCIA_PLAN_HASH (compiled from the specs it
 * governs) and what the executor recomputes from the manifest in its image, so both sides call
 * this one function (docs/executor-config.md, "The plan hash").
 *
 * `source` is left out because it is the path the specs were compiled from, which differs between
 * the machine that ran `fascia build` and the one running `pulumi up` for the same specs. The
 * manifest goes through JSON first so an in-memory manifest (the deployment's) hashes exactly as
 * the same manifest read back from manifest.json (the executor's): JSON drops undefined members,
 * turns non-finite numbers into null and calls toJSON, which canonicalJson alone would not.
 */
export function manifestPlanHash(manifest: AppManifest): string {
  const { source: _machineSpecific, ...governed } = manifest;
  return createHash("sha256")
    .update(canonicalJson(JSON.parse(JSON.stringify(governed))))
    .digest("hex");
}
