/**
 * Field definitions: the same language describes entity columns and tool input. Each type is its
 * own object so an option that makes no sense for it (`precision` on a string) is an unknown key.
 */
import { z } from "zod";
import { CamelName, Description } from "./common";

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

const INPUT_OPTIONS = {
  optional: z.boolean().optional().meta({ description: "Nullable / may be omitted; fields are required by default" }),
  pii: z.boolean().optional().meta({ description: "Masked in audit records and logs" }),
  description: Description.optional(),
};

const COLUMN_OPTIONS = {
  ...INPUT_OPTIONS,
  unique: z.boolean().optional().meta({ description: "No two rows may share this value" }),
  immutable: z.boolean().optional().meta({ description: "Cannot change after the row is created" }),
  renamedFrom: CamelName.optional().meta({ description: "The field's previous name, so a rename is not planned as drop + add" }),
};

function fieldSchema<Options extends typeof INPUT_OPTIONS>(common: Options) {
  const bounds = { min: z.number().optional(), max: z.number().optional() };
  return z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("string"),
      ...common,
      default: z.string().optional(),
      minLength: z.int().nonnegative().optional(),
      maxLength: z.int().positive().optional(),
      pattern: z.string().optional().meta({ description: "A regular expression the whole value must match" }),
      format: z.enum(["email", "url"]).optional(),
    }),
    z.strictObject({ type: z.literal("integer"), ...common, ...bounds, default: z.int().optional() }),
    z.strictObject({ type: z.literal("bigint"), ...common, ...bounds, default: z.int().optional() }),
    z.strictObject({
      type: z.literal("decimal"),
      ...common,
      ...bounds,
      precision: z.int().min(1).max(1000).optional(),
      scale: z.int().min(0).max(1000).optional(),
      default: z.union([z.number(), z.string()]).optional(),
    }),
    z.strictObject({ type: z.literal("number"), ...common, ...bounds, default: z.number().optional() }),
    z.strictObject({ type: z.literal("boolean"), ...common, default: z.boolean().optional() }),
    z.strictObject({
      type: z.literal("date"),
      ...common,
      min: z.string().regex(isoDate).optional(),
      max: z.string().regex(isoDate).optional(),
      default: z.string().optional().meta({ description: "YYYY-MM-DD, or `today`" }),
    }),
    z.strictObject({
      type: z.literal("datetime"),
      ...common,
      default: z.string().optional().meta({ description: "ISO 8601, or `now`" }),
    }),
    z.strictObject({ type: z.literal("uuid"), ...common, default: z.string().optional().meta({ description: "A UUID, or `random`" }) }),
    z.strictObject({
      type: z.literal("enum"),
      ...common,
      values: z.array(z.string().min(1)).min(1),
      default: z.string().optional(),
    }),
    z.strictObject({ type: z.literal("json"), ...common, default: z.unknown().optional() }),
  ]);
}

/** An entity column. */
export const FieldSpec = fieldSchema(COLUMN_OPTIONS);
/** A tool input field: no column-only options (unique, immutable, renamedFrom). */
export const InputFieldSpec = fieldSchema(INPUT_OPTIONS);
export type FieldSpec = z.infer<typeof FieldSpec>;
export type InputFieldSpec = z.infer<typeof InputFieldSpec>;
export type FieldType = FieldSpec["type"];
export const FIELD_TYPES: readonly FieldType[] = FieldSpec.options.map((o) => o.shape.type.value);
