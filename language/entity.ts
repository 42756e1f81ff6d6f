import { z } from "zod";
import { Cel, CamelName, Description, PascalName, StateName } from "./common";
import { FieldSpec } from "./field";

const BelongsTo = z.strictObject({
  kind: z.literal("belongsTo"),
  entity: PascalName,
  onDelete: z.enum(["restrict", "cascade", "setNull"]).optional().meta({ description: "Default restrict; setNull needs optional: true" }),
  optional: z.boolean().optional(),
  immutable: z.boolean().optional(),
  description: Description.optional(),
  renamedFrom: CamelName.optional(),
});

const HasMany = z.strictObject({
  kind: z.literal("hasMany"),
  entity: PascalName,
  via: CamelName.optional().meta({ description: "The belongsTo on the other entity; needed only when it has several to this one" }),
  description: Description.optional(),
});

export const RelationshipSpec = z.discriminatedUnion("kind", [BelongsTo, HasMany]);

export const TransitionSpec = z.strictObject({
  from: z.union([StateName, z.array(StateName).min(1)]),
  to: StateName,
});

export const StatusSpec = z.strictObject({
  field: CamelName.optional().meta({ description: "Column holding the state; default `status`" }),
  initial: StateName,
  states: z.array(StateName).min(1),
  transitions: z.array(TransitionSpec).optional(),
});

export const InvariantSpec = z.strictObject({
  name: CamelName,
  rule: Cel,
  message: z.string().min(1),
});

export const NoOverlapSpec = z.strictObject({
  name: CamelName,
  range: z.tuple([CamelName, CamelName]),
  per: z.array(CamelName).optional(),
  where: Cel.optional(),
});

export const EntitySpec = z.strictObject({
  kind: z.literal("Entity"),
  name: PascalName,
  description: Description.optional(),
  renamedFrom: PascalName.optional(),
  fields: z.record(CamelName, FieldSpec),
  relationships: z.record(CamelName, RelationshipSpec).optional(),
  status: StatusSpec.optional(),
  invariants: z.array(InvariantSpec).optional(),
  unique: z.array(z.array(CamelName).min(1)).optional(),
  noOverlap: z.array(NoOverlapSpec).optional(),
  indexes: z.array(z.array(CamelName).min(1)).optional(),
  allowDataLoss: z.strictObject({ reason: z.string().min(1) }).optional(),
});

export type EntitySpec = z.infer<typeof EntitySpec>;
export type RelationshipSpec = z.infer<typeof RelationshipSpec>;
export type StatusSpec = z.infer<typeof StatusSpec>;
