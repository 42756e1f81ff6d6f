/**
 * Values crossing into and out of CEL. The JSON and database side uses numbers, decimal strings
 * and ISO text; CEL wants `int` as bigint, `double` as number, `decimal` as a CelDecimal (exact,
 * with the scale of the text it came from: a numeric(12,2) column's "20.00" keeps scale 2) and
 * timestamps as Date. Conversion follows the declared CEL type, the same one the checker used,
 * so runtime and check agree.
 */
import { CelDecimal, parseDecimal } from "../../loader/cel/decimal";
import type { CelTypeName } from "../../loader/cel/types";

/** Declared fields of each registered message type (row.X, tool.Input, tool.Nodes, ...). */
export type TypeTable = ReadonlyMap<string, Readonly<Record<string, CelTypeName>>>;

type Convert = (value: unknown) => unknown;

/**
 * One converter per (type table, type name), built on first use: rows convert every value of
 * every read, so the type is interpreted once, not once per value.
 */
const CONVERTERS = new WeakMap<TypeTable, Map<CelTypeName, Convert>>();

export function toCel(value: unknown, type: CelTypeName, types: TypeTable): unknown {
  return converterOf(type, types)(value);
}

function converterOf(type: CelTypeName, types: TypeTable): Convert {
  let table = CONVERTERS.get(types);
  if (!table) CONVERTERS.set(types, (table = new Map()));
  let convert = table.get(type);
  if (!convert) {
    // Registered before it is built, so a message type that contains itself finds this entry.
    const slot: { built?: Convert } = {};
    table.set(type, (v) => slot.built!(v));
    convert = slot.built = buildConverter(type, types);
    table.set(type, convert);
  }
  return convert;
}

function buildConverter(type: CelTypeName, types: TypeTable): Convert {
  const nullable = /^dyn<(.+)>$/.exec(type);
  if (nullable) return converterOf(nullable[1]!, types);
  const list = /^list<(.+)>$/.exec(type);
  if (list) {
    const inner = converterOf(list[1]!, types);
    return (value) => (value === null || value === undefined ? null : Array.isArray(value) ? value.map(inner) : value);
  }
  const map = /^map<[^,]+,\s*(.+)>$/.exec(type);
  if (map) {
    const inner = converterOf(map[1]!, types);
    return (value) => (value === null || value === undefined ? null : mapValues(value, inner));
  }
  const scalar = SCALARS[type];
  if (scalar) return (value) => (value === null || value === undefined ? null : scalar(value));
  const fields = types.get(type);
  if (!fields) return dynToCel;
  const converters = Object.entries(fields).map(([name, fieldType]) => [name, converterOf(fieldType, types)] as const);
  return (value) => {
    if (value === null || value === undefined) return null;
    if (typeof value !== "object") return dynToCel(value);
    const out: Record<string, unknown> = {};
    for (const [name, convert] of converters) out[name] = convert((value as Record<string, unknown>)[name]);
    return out;
  };
}

const SCALARS: Partial<Record<CelTypeName, Convert>> = {
  int: (value) => (typeof value === "bigint" ? value : BigInt(typeof value === "number" ? Math.trunc(value) : String(value))),
  double: (value) => (typeof value === "number" ? value : Number(value)),
  // PostgreSQL and the input schema hand decimals over as text; never through a double.
  decimal: (value) => (value instanceof CelDecimal ? value : parseDecimal(String(value))),
  string: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  bool: (value) => Boolean(value),
  "google.protobuf.Timestamp": (value) => (value instanceof Date ? value : new Date(String(value))),
  dyn: (value) => dynToCel(value),
};

/** Undeclared (json) data keeps CEL's JSON mapping: numbers are doubles, objects are maps. */
function dynToCel(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(dynToCel);
  if (value instanceof Date || value instanceof CelDecimal || typeof value !== "object") return value;
  return mapValues(value, dynToCel);
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A CEL result as JSON: ints as numbers (as strings beyond 2^53), decimals as strings with their
 * scale ("20.00"), timestamps as ISO text, maps as objects.
 */
export function fromCel(value: unknown): unknown {
  if (value === null || typeof value !== "object")
    return typeof value === "bigint" ? (value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString()) : value;
  if (value instanceof CelDecimal) return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = fromCel(value[i]);
    return out;
  }
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) setOwn(out, String(k), fromCel(v));
    return out;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  const seconds = (value as { seconds?: unknown }).seconds;
  if (typeof seconds === "bigint" && Object.keys(value).length <= 2) return new Date(Number(seconds) * 1000).toISOString();
  return mapValues(value, fromCel);
}

/** A copy with `fn` applied to every value (Map stays Map, object stays object). */
function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(k, fn(v));
    return out;
  }
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) setOwn(out, k, fn((value as Record<string, unknown>)[k]));
  return out;
}

/** `out[key] = v`, except that a key "__proto__" becomes an own property instead of the prototype. */
function setOwn(out: Record<string, unknown>, key: string, v: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  else out[key] = v;
}
