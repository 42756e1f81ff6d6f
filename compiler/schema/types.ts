/**
 * Field type → PostgreSQL column type and default expression. Strings and enums are `text` with
 * CHECKs rather than varchar(n) or enum types: a CHECK can be added NOT VALID and validated
 * without a long lock, and removing an enum value needs no type rebuild.
 */
import type { FieldSpec } from "../../language/field";
import { quoteLiteral } from "./names";

type Handler<T extends FieldSpec["type"]> = {
  type: (field: Extract<FieldSpec, { type: T }>) => string;
  default: (value: NonNullable<Extract<FieldSpec, { type: T }>["default"]>) => string;
};
type Handlers = { [T in FieldSpec["type"]]: Handler<T> };

const number = (value: number | string) => {
  const text = String(value);
  if (!/^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(text)) throw new Error(`default ${JSON.stringify(value)} is not a number`);
  return text;
};

const HANDLERS: Handlers = {
  string: { type: () => "text", default: (v) => quoteLiteral(v) },
  enum: { type: () => "text", default: (v) => quoteLiteral(v) },
  integer: { type: () => "integer", default: (v) => number(v) },
  bigint: { type: () => "bigint", default: (v) => number(v) },
  decimal: {
    type: (f) =>
      f.precision !== undefined
        ? `numeric(${f.precision},${f.scale ?? 0})`
        : f.scale !== undefined
          ? `numeric(1000,${f.scale})`
          : "numeric",
    default: (v) => `${quoteLiteral(number(v))}::numeric`,
  },
  number: { type: () => "double precision", default: (v) => `${quoteLiteral(number(v))}::double precision` },
  boolean: { type: () => "boolean", default: (v) => (v ? "true" : "false") },
  date: { type: () => "date", default: (v) => (v === "today" ? "CURRENT_DATE" : `${quoteLiteral(isoDate(v))}::date`) },
  datetime: {
    type: () => "timestamp with time zone",
    default: (v) => (v === "now" ? "now()" : `${quoteLiteral(v)}::timestamp with time zone`),
  },
  uuid: { type: () => "uuid", default: (v) => (v === "random" ? "gen_random_uuid()" : `${quoteLiteral(uuid(v))}::uuid`) },
  json: { type: () => "jsonb", default: (v) => `${quoteLiteral(JSON.stringify(v))}::jsonb` },
};

function isoDate(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Error(`default ${JSON.stringify(v)} is not YYYY-MM-DD or today`);
  return v;
}

function uuid(v: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v))
    throw new Error(`default ${JSON.stringify(v)} is not a UUID or random`);
  return v.toLowerCase();
}

export function columnType(field: FieldSpec): string {
  return (HANDLERS[field.type] as Handler<FieldSpec["type"]>).type(field as never);
}

/** The default as SQL, or undefined. Throws with a readable message on a malformed default. */
export function columnDefault(field: FieldSpec): string | undefined {
  if (field.default === undefined) return undefined;
  return (HANDLERS[field.type] as Handler<FieldSpec["type"]>).default(field.default as never);
}

/** Defaults PostgreSQL re-evaluates per row: adding such a column to a filled table rewrites it. */
export function isVolatileDefault(expression: string | undefined): boolean {
  return expression === "gen_random_uuid()";
}

/** Range type of a noOverlap bound, and the cast its bounds need. */
export function rangeTypeOf(field: FieldSpec): { constructor: string; cast?: string } | undefined {
  switch (field.type) {
    case "date":
      return { constructor: "daterange" };
    case "datetime":
      return { constructor: "tstzrange" };
    case "integer":
      return { constructor: "int4range" };
    case "bigint":
      return { constructor: "int8range" };
    case "decimal":
      return { constructor: "numrange" };
    case "number":
      return { constructor: "numrange", cast: "numeric" };
    default:
      return undefined;
  }
}
