/**
 * Values crossing into and out of CEL. The JSON and database side uses numbers, decimal strings
 * and ISO text; CEL wants `int` as bigint, `double` as number and timestamps as Date. Conversion
 * follows the declared CEL type, the same one the checker used, so runtime and check agree.
 */
import type { CelTypeName } from "../../spec/cel/types";

/** Declared fields of each registered message type (row.X, tool.Input, tool.Nodes, ...). */
export type TypeTable = ReadonlyMap<string, Readonly<Record<string, CelTypeName>>>;

/** A type name's outer layer, parsed once per name: rows convert every value of every read. */
type Layer = { wrap: "dyn" | "list" | "map"; inner: CelTypeName } | { wrap: null };
const LAYERS = new Map<string, Layer>();

function layerOf(type: CelTypeName): Layer {
  let layer = LAYERS.get(type);
  if (!layer) {
    const nullable = /^dyn<(.+)>$/.exec(type);
    const list = /^list<(.+)>$/.exec(type);
    const map = /^map<[^,]+,\s*(.+)>$/.exec(type);
    layer = nullable ? { wrap: "dyn", inner: nullable[1]! } : list ? { wrap: "list", inner: list[1]! } : map ? { wrap: "map", inner: map[1]! } : { wrap: null };
    LAYERS.set(type, layer);
  }
  return layer;
}

export function toCel(value: unknown, type: CelTypeName, types: TypeTable): unknown {
  if (value === null || value === undefined) return null;
  const layer = layerOf(type);
  if (layer.wrap === "dyn") return toCel(value, layer.inner, types);
  if (layer.wrap === "list") return Array.isArray(value) ? value.map((v) => toCel(v, layer.inner, types)) : value;
  if (layer.wrap === "map") return mapValues(value, (v) => toCel(v, layer.inner, types));
  switch (type) {
    case "int":
      return typeof value === "bigint" ? value : BigInt(typeof value === "number" ? Math.trunc(value) : String(value));
    case "double":
      return typeof value === "number" ? value : Number(value);
    case "string":
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case "bool":
      return Boolean(value);
    case "google.protobuf.Timestamp":
      return value instanceof Date ? value : new Date(String(value));
    case "dyn":
      return dynToCel(value);
  }
  const fields = types.get(type);
  if (!fields || typeof value !== "object") return dynToCel(value);
  const out: Record<string, unknown> = {};
  for (const [name, fieldType] of Object.entries(fields)) out[name] = toCel((value as Record<string, unknown>)[name], fieldType, types);
  return out;
}

/** Undeclared (json) data keeps CEL's JSON mapping: numbers are doubles, objects are maps. */
function dynToCel(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(dynToCel);
  if (value instanceof Date || typeof value !== "object") return value;
  return mapValues(value, dynToCel);
}

/** A CEL result as JSON: ints as numbers (as strings beyond 2^53), timestamps as ISO text, maps as objects. */
export function fromCel(value: unknown): unknown {
  if (typeof value === "bigint") return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value && typeof value === "object") {
    const seconds = (value as { seconds?: unknown }).seconds;
    if (typeof seconds === "bigint" && Object.keys(value).length <= 2) return fromCel(new Date(Number(seconds) * 1000));
    return mapValues(value, fromCel);
  }
  return value;
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, fn(v)]));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}
