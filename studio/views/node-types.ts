/**
 * The palette and the node forms: the node types in four groups, a JSON Schema per type generated
 * from the zod schema the loader validates that type with (never written by hand), and each type's
 * starting fields.
 */
import { z } from "zod";
import { FlowNodeSpec } from "../../language/nodes";
import { nodeDefaults, type DefaultNames } from "../node-defaults";
import type { NodeTypeCatalog } from "../protocol";

const GROUPS = [
  { name: "data", types: ["read", "write", "sql", "transform"] },
  { name: "logic", types: ["if", "switch"] },
  { name: "safety", types: ["assert", "policyCheck", "transaction", "retry"] },
  { name: "external", types: ["payment", "email", "http"] },
];

let schemas: Record<string, unknown> | undefined;

/** Input shapes (what authors write), draft-07 as in language/json-schema.ts. Built once: they never change. */
function nodeSchemas(): Record<string, unknown> {
  schemas ??= Object.fromEntries(
    FlowNodeSpec.options.map((schema) => [
      schema.shape.type.value,
      z.toJSONSchema(schema, { target: "draft-07", io: "input", unrepresentable: "any" }),
    ]),
  );
  return schemas;
}

export function nodeTypeCatalog(names: DefaultNames = {}): NodeTypeCatalog {
  const all = GROUPS.flatMap((g) => g.types);
  return {
    groups: GROUPS.map((g) => ({ name: g.name, types: [...g.types] })),
    schemas: nodeSchemas(),
    defaults: Object.fromEntries(all.map((type) => [type, nodeDefaults(type, names)])),
  };
}
