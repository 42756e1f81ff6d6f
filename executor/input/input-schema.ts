/**
 * Step 2 of the Execution Contract: a tool's input fields become one strict zod schema, built
 * once when the app loads. Unknown fields are rejected; each problem names its field path.
 */
import { z } from "zod";
import type { InputFieldSpec } from "../../language/field";
import { decimalSchema } from "./decimal-input";

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type InputSource = "path" | "query" | "body";

const FIELD_SCHEMAS: { [T in InputFieldSpec["type"]]: (f: Extract<InputFieldSpec, { type: T }>) => z.ZodType } = {
  string: (f) => {
    let s = z.string();
    if (f.minLength !== undefined) s = s.min(f.minLength, `must be at least ${f.minLength} characters`);
    if (f.maxLength !== undefined) s = s.max(f.maxLength, `must be at most ${f.maxLength} characters`);
    if (f.format === "email") s = s.regex(EMAIL, "must be an email address");
    const pattern = f.pattern === undefined ? undefined : new RegExp(`^(?:${f.pattern})$`, "u");
    return s
      .refine((v) => (pattern ? pattern.test(v) : true), "does not match the required pattern")
      .refine((v) => (f.format === "url" ? isHttpUrl(v) : true), "must be an http or https URL");
  },
  integer: (f) =>
    bounded(z.int({ error: "must be an integer" }).min(INT32.min, "must fit in 32 bits").max(INT32.max, "must fit in 32 bits"), f),
  bigint: (f) =>
    z
      .union([z.int(), z.string().regex(/^-?\d+$/, "must be an integer")])
      .transform((v) => String(v))
      .refine((v) => inBounds(Number(v), f), boundsMessage(f)),
  decimal: (f) => decimalSchema(f),
  number: (f) => bounded(z.number().refine(Number.isFinite, "must be a finite number"), f),
  boolean: () => z.boolean(),
  date: (f) =>
    z
      .string()
      .refine(isDate, "must be a date YYYY-MM-DD")
      .refine(
        (v) => (f.min === undefined || v >= f.min) && (f.max === undefined || v <= f.max),
        `must be between ${f.min ?? "any"} and ${f.max ?? "any"}`,
      ),
  datetime: () =>
    z
      .string()
      .refine(
        (v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && /(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
        "must be an ISO 8601 date-time with a time zone",
      ),
  uuid: () =>
    z
      .string()
      .regex(UUID, "must be a UUID")
      .transform((v) => v.toLowerCase()),
  enum: (f) => z.enum(f.values as [string, ...string[]], { error: `must be one of ${f.values.join(", ")}` }),
  json: () => z.json(),
};

function bounded(schema: z.ZodNumber, f: { min?: number; max?: number }): z.ZodType {
  let s = schema;
  if (f.min !== undefined) s = s.min(f.min, `must be at least ${f.min}`);
  if (f.max !== undefined) s = s.max(f.max, `must be at most ${f.max}`);
  return s;
}

const inBounds = (n: number, f: { min?: number; max?: number }) =>
  (f.min === undefined || n >= f.min) && (f.max === undefined || n <= f.max);
const boundsMessage = (f: { min?: number; max?: number }) => `must be between ${f.min ?? "-∞"} and ${f.max ?? "∞"}`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A calendar date YYYY-MM-DD (years 0000–9999, leap years included), without building a Date. */
export function isDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

function isHttpUrl(v: string): boolean {
  try {
    const url = new URL(v);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** The zod schema of one field, with optional/default applied. */
export function fieldValidator(field: InputFieldSpec): z.ZodType {
  const schema = FIELD_SCHEMAS[field.type](field as never);
  if (field.default !== undefined) return schema.nullish().transform((v) => v ?? field.default);
  return field.optional ? schema.nullish().transform((v) => v ?? null) : schema;
}

export function inputValidator(fields: Record<string, InputFieldSpec>): z.ZodType<Record<string, unknown>> {
  return z.strictObject(Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, fieldValidator(f)]))) as unknown as z.ZodType<
    Record<string, unknown>
  >;
}

/** Path and query values arrive as text; turn them into the field's JSON type before validation. */
export function coerceText(field: InputFieldSpec | undefined, text: string): unknown {
  switch (field?.type) {
    case "integer":
    case "number":
      return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    case "json":
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}
