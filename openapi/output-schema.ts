/**
 * The 200 body's schema from the tool's `output` expression. The executor answers `{}` without
 * one, and the value of the expression with one; a map literal with string keys (the usual
 * `{'id': nodes.x.id, …}`) is an object with exactly those keys. Their value types would need
 * the CEL checker (the loader), which this layer does not load, so they are left open.
 */
import { celAst, type CelNode } from "../language/cel-syntax";
import type { JsonSchema } from "./json-schema";

export function outputSchema(output: string | undefined): JsonSchema {
  if (output === undefined) return { type: "object", additionalProperties: false };
  const ast = celAst(output);
  const keys = ast?.op === "map" ? literalKeys(ast) : undefined;
  if (!keys) return { description: "the value of the tool's output expression" };
  return {
    type: "object",
    properties: Object.fromEntries(keys.map((key) => [key, {}])),
    required: keys,
    additionalProperties: false,
  };
}

/** The keys of a map literal when every one is a string literal; undefined otherwise. */
function literalKeys(map: CelNode): string[] | undefined {
  const entries = map.args as [CelNode, CelNode][];
  const keys: string[] = [];
  for (const [key] of entries) {
    if (key.op !== "value" || typeof key.args !== "string") return undefined;
    keys.push(key.args);
  }
  return keys;
}
