/**
 * A tool input field → the JSON Schema (2020-12, OpenAPI 3.1's dialect) of what the executor's
 * step 2 accepts for it (executor/input/input-schema.ts): the same types, formats, bounds, lengths
 * and enums, and `null` where an optional field accepts it. Pure: type imports only.
 */
import type { InputFieldSpec } from "../language/field";

export type JsonSchema = { [key: string]: unknown };

/** Integers are 32-bit in the executor and the database (`integer`); bigint is 64-bit. */
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
/** The decimal texts the executor reads: plain or exponent notation (executor/input/decimal-input.ts). */
const DECIMAL_TEXT = "^-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?$";
/** Defaults that are computed at invocation, not literal values a client could send. */
const COMPUTED_DEFAULTS = new Set(["today", "now", "random"]);

const SCHEMAS: { [T in InputFieldSpec["type"]]: (f: Extract<InputFieldSpec, { type: T }>) => JsonSchema } = {
  string: (f) => ({
    type: "string",
    ...(f.minLength !== undefined ? { minLength: f.minLength } : {}),
    ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
    // The executor matches the whole value; a JSON Schema pattern matches anywhere, so it is anchored here.
    ...(f.pattern !== undefined ? { pattern: `^(?:${f.pattern})$` } : {}),
    ...(f.format === "email" ? { format: "email" } : f.format === "url" ? { format: "uri", pattern: "^https?://" } : {}),
  }),
  integer: (f) => ({
    type: "integer",
    format: "int32",
    minimum: Math.max(f.min ?? INT32.min, INT32.min),
    maximum: Math.min(f.max ?? INT32.max, INT32.max),
  }),
  // A JSON integer or its digits as a string (64 bits do not fit in a double); `pattern` applies to the string only.
  bigint: (f) => ({ type: ["integer", "string"], format: "int64", pattern: "^-?\\d+$", ...bounds(f) }),
  // A JSON number or its exact text; the executor refuses more digits than precision and scale allow, never rounds.
  decimal: (f) => ({
    type: ["number", "string"],
    pattern: DECIMAL_TEXT,
    ...bounds(f),
    ...(f.precision !== undefined || f.scale !== undefined
      ? {
          description: `decimal(${f.precision ?? "any"}, ${f.scale ?? (f.precision !== undefined ? 0 : "any")}): more digits are refused, not rounded`,
        }
      : {}),
  }),
  number: (f) => ({ type: "number", ...bounds(f) }),
  boolean: () => ({ type: "boolean" }),
  date: (f) => ({
    type: "string",
    format: "date",
    ...(f.min !== undefined || f.max !== undefined ? { description: `between ${f.min ?? "any"} and ${f.max ?? "any"}` } : {}),
  }),
  datetime: () => ({ type: "string", format: "date-time", description: "ISO 8601 with a time zone" }),
  uuid: () => ({ type: "string", format: "uuid" }),
  enum: (f) => ({ type: "string", enum: [...f.values] }),
  json: () => ({}),
};

function bounds(f: { min?: number; max?: number }): JsonSchema {
  return { ...(f.min !== undefined ? { minimum: f.min } : {}), ...(f.max !== undefined ? { maximum: f.max } : {}) };
}

/** Whether a request may leave the field out: optional, or filled by its default. */
export function isRequired(field: InputFieldSpec): boolean {
  return !field.optional && field.default === undefined;
}

/**
 * The field's schema. `nullable`: whether `null` is accepted too — true for a field a request may
 * leave out (the executor reads null as absent), false for a path parameter, which is never null.
 */
export function fieldSchema(field: InputFieldSpec, nullable = !isRequired(field)): JsonSchema {
  const schema = SCHEMAS[field.type](field as never);
  const described = field.description !== undefined ? { ...schema, description: joinText(field.description, schema.description) } : schema;
  const withDefault =
    field.default !== undefined && !(typeof field.default === "string" && COMPUTED_DEFAULTS.has(field.default))
      ? { ...described, default: field.default }
      : described;
  return nullable ? orNull(withDefault) : withDefault;
}

function joinText(first: string, second: unknown): string {
  return typeof second === "string" ? `${first} (${second})` : first;
}

/** `null` added to the types (and to an enum's values, which would otherwise refuse it). */
function orNull(schema: JsonSchema): JsonSchema {
  if (schema.type === undefined) return schema; // any JSON value, null included
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return {
    ...schema,
    type: [...types, "null"],
    ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}),
  };
}
