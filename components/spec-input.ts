/**
 * Specs given to the components: inline objects (the same shape as the YAML) or a spec directory.
 * Invalid specs stop the program with every diagnostic (file:line:col code message; the loader's
 * InvalidSpecsError), never a partial deployment. Pure: no Pulumi imports (the component wraps the error in a ResourceError).
 */
import type { EntitySpec } from "../language/entity";
import type { PolicySpec } from "../language/policy";
import type { ToolSpec } from "../language/tool";
import { validSpecs } from "../loader/invalid-specs";
import { loadSpecDir, loadSpecObjects } from "../loader/load";
import type { SpecSet } from "../loader/model";

export function specsFromDir(dir: string): SpecSet {
  return validSpecs(loadSpecDir(dir), `spec directory ${dir}`);
}

export function specsFromObjects(objects: readonly unknown[], label: string): SpecSet {
  return validSpecs(loadSpecObjects(objects, label), label);
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
