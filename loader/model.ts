/** What the loader hands to later stages: validated specs, each with the document it came from. */
import type { EntitySpec } from "../language/entity";
import type { PolicySpec } from "../language/policy";
import type { ToolSpec } from "../language/tool";
import type { SourceDocument } from "./source/yaml-document";

export interface Located<T> {
  readonly spec: T;
  readonly doc: SourceDocument;
}

export interface SpecSet {
  readonly entities: ReadonlyMap<string, Located<EntitySpec>>;
  readonly tools: ReadonlyMap<string, Located<ToolSpec>>;
  readonly policies: ReadonlyMap<string, Located<PolicySpec>>;
  /** Names of documents that failed validation: references to them are not reported again. */
  readonly invalidNames: ReadonlySet<string>;
}

export function entityList(specs: SpecSet): EntitySpec[] {
  return [...specs.entities.values()].map((e) => e.spec);
}

/** Every secret name the specs use: webhook keys, node credentials, and tools' `secrets`. */
export function secretNames(specs: SpecSet): string[] {
  const names = new Set<string>();
  for (const { spec } of specs.tools.values()) {
    if (spec.trigger.webhook) names.add(spec.trigger.webhook.secret);
    for (const name of spec.secrets ?? []) names.add(name);
    for (const node of spec.flow.nodes) if ("secret" in node && node.secret) names.add(node.secret);
  }
  return [...names].sort();
}
