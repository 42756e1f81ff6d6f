/**
 * How spec types look to CEL. Dates and UUIDs are strings (ISO dates sort correctly as text),
 * decimals are the exact CEL type `decimal` (./decimal.ts), numbers are doubles, datetimes are
 * timestamps. An optional field is `dyn<T>`: checked as T, and comparable with null.
 */
import type { FieldSpec, InputFieldSpec } from "../../language/field";
import type { EntitySpec } from "../../language/entity";

export type CelTypeName = string;

const SCALAR: Record<FieldSpec["type"], CelTypeName> = {
  string: "string",
  uuid: "string",
  date: "string",
  enum: "string",
  integer: "int",
  bigint: "int",
  decimal: "decimal",
  number: "double",
  boolean: "bool",
  datetime: "google.protobuf.Timestamp",
  json: "dyn",
};

export function celTypeOfField(field: FieldSpec | InputFieldSpec): CelTypeName {
  const scalar = SCALAR[field.type];
  return field.optional && scalar !== "dyn" ? `dyn<${scalar}>` : scalar;
}

export const rowTypeName = (entity: string) => `row.${entity}`;
export const ROW_SYSTEM_COLUMNS = ["id", "createdAt", "updatedAt", "version"] as const;

/** The fields a row of the entity has, as tools and invariants see them. */
export function rowFields(entity: EntitySpec): Record<string, CelTypeName> {
  const fields: Record<string, CelTypeName> = {
    id: "string",
    createdAt: "google.protobuf.Timestamp",
    updatedAt: "google.protobuf.Timestamp",
    version: "int",
  };
  for (const [name, field] of Object.entries(entity.fields)) fields[name] = celTypeOfField(field);
  for (const [name, rel] of Object.entries(entity.relationships ?? {})) {
    if (rel.kind === "belongsTo") fields[`${name}Id`] = rel.optional ? "dyn<string>" : "string";
  }
  if (entity.status) fields[entity.status.field ?? "status"] = "string";
  return fields;
}

/** Whether a value of type `actual` may be stored where `expected` is wanted. */
export function assignable(actual: CelTypeName, expected: CelTypeName): boolean {
  const strip = (t: string) => /^dyn<(.+)>$/.exec(t)?.[1] ?? t;
  if (actual === "dyn" || expected === "dyn") return true;
  if (actual === "null_type") return expected.startsWith("dyn<");
  const a = strip(actual);
  const e = strip(expected);
  if (a === e) return true;
  // An int is exact in a double field and in a decimal one; a double never goes where a decimal
  // is wanted (nor back): that conversion must be written, decimal(x) or double(d).
  if (a === "int" && (e === "double" || e === "decimal")) return true;
  const listA = /^list<(.+)>$/.exec(a);
  const listE = /^list<(.+)>$/.exec(e);
  if (listA && listE) return assignable(listA[1]!, listE[1]!);
  if (a === "list" && listE) return true;
  return false;
}

/** Names shown to spec authors: `dyn<string>` is "string or null". */
export function describeCelType(type: CelTypeName): string {
  const nullable = /^dyn<(.+)>$/.exec(type);
  if (nullable) return `${describeCelType(nullable[1]!)} or null`;
  if (type === "google.protobuf.Timestamp") return "timestamp";
  if (type === "google.protobuf.Duration") return "duration";
  return type.replace(/\brow\./g, "");
}
