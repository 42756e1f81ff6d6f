/**
 * The non-incremental answer the studio's incremental check must equal: loadSpecSources of the
 * same texts, then every tool compiled and judged unless a diagnostic falls in its file.
 */
import { isDeepStrictEqual } from "node:util";
import { compileTool } from "../../../compiler/flow/compile";
import { loadSpecSources, type LoadResult, type SpecSource } from "../../../loader/load";
import type { SpecSet } from "../../../loader/model";
import { assessTool, entityMap, type ToolAssessment } from "../../../risk/engine";

export interface Fresh {
  loaded: LoadResult;
  verdicts: Map<string, ToolAssessment | null>;
}

export function freshCheck(sources: readonly SpecSource[]): Fresh {
  const loaded = loadSpecSources(sources);
  const entities = entityMap(loaded.specs);
  const verdicts = new Map<string, ToolAssessment | null>();
  for (const [name, { spec, doc }] of loaded.specs.tools) {
    if (loaded.diagnostics.some((d) => d.file === doc.file)) verdicts.set(name, null);
    else {
      try {
        verdicts.set(name, assessTool(compileTool(spec, entities)));
      } catch {
        verdicts.set(name, null);
      }
    }
  }
  return { loaded, verdicts };
}

/** What a verdict says: risk, whether it may deploy, the findings and the plan. */
export const verdictOf = (a: ToolAssessment | null | undefined) =>
  a ? { risk: a.risk, deployable: a.deployable, findings: a.findings, plan: a.compiled.plan } : a;

/** A SpecSet as plain data, order included: names, specs, and where each came from. */
export function plainSpecs(specs: SpecSet) {
  const table = (map: SpecSet["entities" | "tools" | "policies"]) =>
    [...map].map(([name, { spec, doc }]) => ({ name, spec, file: doc.file, index: doc.index }));
  return {
    entities: table(specs.entities),
    tools: table(specs.tools),
    policies: table(specs.policies),
    invalidNames: [...specs.invalidNames],
  };
}

/** An entity's standing: its spec and the diagnostics in its file. */
export function entityStanding(fresh: Fresh, name: string) {
  const located = fresh.loaded.specs.entities.get(name);
  return located && { spec: located.spec, diagnostics: fresh.loaded.diagnostics.filter((d) => d.file === located.doc.file) };
}

export const sameVerdict = (a: ToolAssessment | null | undefined, b: ToolAssessment | null | undefined) =>
  isDeepStrictEqual(verdictOf(a), verdictOf(b));
