/**
 * Specs given to the components: inline objects (the same shape as the YAML) or a spec directory.
 * Invalid specs stop the program with every diagnostic (file:line:col code message), never a
 * partial deployment. Pure: no Pulumi imports (the component wraps the error in a ResourceError).
 */
import { formatDiagnostic } from "../loader/diagnostics";
import type { EntitySpec } from "../language/entity";
import type { PolicySpec } from "../language/policy";
import type { ToolSpec } from "../language/tool";
import { loadSpecDir, loadSpecObjects, type LoadResult } from "../loader/load";
import type { SpecSet } from "../loader/model";

export class InvalidSpecsError extends Error {
  constructor(
    readonly where: string,
    readonly diagnostics: LoadResult["diagnostics"],
  ) {
    super(`${where}: the specs are not valid (${diagnostics.length} ${diagnostics.length === 1 ? "problem" : "problems"}):\n${diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join("\n")}`);
    this.name = "InvalidSpecsError";
  }
}

function valid(result: LoadResult, where: string): SpecSet {
  if (!result.ok) throw new InvalidSpecsError(where, result.diagnostics);
  return result.specs;
}

export function specsFromDir(dir: string): SpecSet {
  return valid(loadSpecDir(dir), `spec directory ${dir}`);
}

export function specsFromObjects(objects: readonly unknown[], label: string): SpecSet {
  return valid(loadSpecObjects(objects, label), label);
}

/** One entity or tool checked in the context it refers to (other entities, policies). */
export function specInContext(main: unknown, context: readonly unknown[], label: string): SpecSet {
  return specsFromObjects([...context, main], label);
}

export function entitiesOf(specs: SpecSet): EntitySpec[] {
  return [...specs.entities.values()].map((e) => e.spec);
}

export function toolsOf(specs: SpecSet): ToolSpec[] {
  return [...specs.tools.values()].map((t) => t.spec);
}

export function policiesOf(specs: SpecSet): PolicySpec[] {
  return [...specs.policies.values()].map((p) => p.spec);
}

/** Specs with their `kind` back, as loadSpecObjects takes them. */
export function asDocuments(specs: SpecSet): unknown[] {
  return [...entitiesOf(specs), ...policiesOf(specs), ...toolsOf(specs)];
}
