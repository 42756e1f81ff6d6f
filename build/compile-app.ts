/** A spec directory → the compiled app manifest (specs, plans, schema, risk), or the reasons it cannot be built. */
import { compileEntities } from "../compiler/schema/compile";
import { assessSpecs, type ToolAssessment } from "../risk/engine";
import { validSpecs } from "../loader/invalid-specs";
import { loadSpecDir } from "../loader/load";
import { entityList, type SpecSet } from "../loader/model";
import { PLAN_VERSION } from "../compiler/flow/plan";
import { MANIFEST_VERSION, ManifestError, type AppManifest } from "../executor/app/manifest";

/** Throws InvalidSpecsError (every diagnostic) for specs that do not load, ManifestError when they do not compile. */
export function compileApp(dir: string): AppManifest {
  return compileSpecSet(validSpecs(loadSpecDir(dir), dir), dir);
}

/** `assessments` when the caller has judged the specs already (`assessSpecs(specs)`), so they are not judged twice. */
export function compileSpecSet(specs: SpecSet, source: string, assessments: readonly ToolAssessment[] = assessSpecs(specs)): AppManifest {
  const entities = entityList(specs);
  const schema = compileEntities(entities);
  if (schema.problems.length > 0) {
    throw new ManifestError(
      `${source}: the schema cannot be compiled:\n${schema.problems.map((p) => `${p.entity} ${p.path.join(".")}: ${p.message}`).join("\n")}`,
    );
  }
  return {
    manifestVersion: MANIFEST_VERSION,
    planVersion: PLAN_VERSION,
    source,
    specs: {
      entities,
      tools: [...specs.tools.values()].map((t) => t.spec),
      policies: [...specs.policies.values()].map((p) => p.spec),
    },
    plans: Object.fromEntries(assessments.map((a) => [a.name, a.compiled.plan])),
    schema: schema.model,
    risk: Object.fromEntries(assessments.map((a) => [a.name, { level: a.risk, deployable: a.deployable }])),
  };
}
