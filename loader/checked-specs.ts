/**
 * Specs already checked, made into a SpecSet without the loader: kept apart from load.ts so that a
 * governed executor (executor/app/runtime-app.ts) does not load the YAML parser and the spec
 * schemas it never uses.
 */
import type { EntitySpec } from "../language/entity";
import type { PolicySpec } from "../language/policy";
import type { ToolSpec } from "../language/tool";
import type { Located, SpecSet } from "./model";
import { objectDocument } from "./source/object-document";

/**
 * Spec objects that were already loaded and checked (a governed manifest: its plan hash proves they
 * are the specs the compiler checked), grouped by kind as a load would, without parsing or checking
 * them again. Anything else goes through loadSpecObjects.
 */
export function checkedSpecSet(objects: readonly unknown[], label = "<inline>"): SpecSet {
  const entities = new Map<string, Located<EntitySpec>>();
  const tools = new Map<string, Located<ToolSpec>>();
  const policies = new Map<string, Located<PolicySpec>>();
  const byKind = { Entity: entities, Tool: tools, Policy: policies } as const;
  objects.forEach((value, i) => {
    const spec = value as EntitySpec | ToolSpec | PolicySpec;
    (byKind[spec.kind] as Map<string, Located<typeof spec>>).set(spec.name, { spec, doc: objectDocument(label, i, value) });
  });
  return { entities, tools, policies, invalidNames: new Set() };
}
