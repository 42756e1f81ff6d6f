/**
 * The table of schema-change cases: one change to an entity whose table exists (or, where it
 * says so, a new one) → the one rule and level it gets. docs/schema.md has the same table
 * ("Which level a change gets"); schema-change-levels.test.ts checks both, and the Squawk
 * cross-check (squawk.test.ts) lints the SQL of every case.
 */
export type Spec = Record<string, unknown> & { fields: Record<string, Record<string, unknown>> };

export const ROOM: Spec = {
  kind: "Entity",
  name: "Room",
  fields: {
    code: { type: "string", minLength: 2, maxLength: 20 },
    capacity: { type: "integer", min: 1, max: 8 },
    rate: { type: "decimal", precision: 10, scale: 2 },
    opened: { type: "date", min: "2000-01-01" },
    kind: { type: "enum", values: ["single", "double"] },
    notes: { type: "string", optional: true },
    email: { type: "string", optional: true, format: "email" },
    ref: { type: "string", optional: true, pattern: "[A-Z]+" },
  },
  relationships: { hotel: { kind: "belongsTo", entity: "Hotel", optional: true } },
  status: { initial: "open", states: ["open", "closed"], transitions: [{ from: "open", to: "closed" }] },
  invariants: [{ name: "fewGuests", rule: "capacity <= 6 || kind == 'double'", message: "m" }],
  indexes: [["capacity"]],
};
export const HOTEL = { kind: "Entity", name: "Hotel", fields: { name: { type: "string" } } };
export const WING = { kind: "Entity", name: "Wing", fields: { name: { type: "string" } } };

const clone = (s: Spec): Spec => JSON.parse(JSON.stringify(s)) as Spec;
/** A copy of ROOM with `edit` applied. */
const room = (edit: (r: Spec) => void = () => {}): Spec => {
  const r = clone(ROOM);
  edit(r);
  return r;
};
const field = (name: string, changes: Record<string, unknown>) => (r: Spec) => {
  r.fields[name] = { ...r.fields[name], ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete r.fields[name]![k];
};

export interface Case {
  /** As written in the docs table. */
  readonly change: string;
  /** The deployed Room when it is not ROOM; null: Room is a new entity. */
  readonly before?: Spec | null;
  readonly after: Spec;
  readonly rule: string;
  readonly level: "Red" | "Yellow" | "Green";
  /** Red although the rows of existing-rows.test.ts pass: why the planner cannot know better. */
  readonly conservative?: string;
}

export const CASES: readonly Case[] = [
  { change: "`maxLength` lowered", after: room(field("code", { maxLength: 10 })), rule: "S011", level: "Red" },
  { change: "`maxLength` raised", after: room(field("code", { maxLength: 40 })), rule: "S009", level: "Yellow" },
  { change: "`minLength` raised", after: room(field("code", { minLength: 3 })), rule: "S011", level: "Red" },
  { change: "`minLength` lowered", after: room(field("code", { minLength: 1 })), rule: "S009", level: "Yellow" },
  { change: "`max` lowered", after: room(field("capacity", { max: 6 })), rule: "S011", level: "Red" },
  { change: "`max` raised", after: room(field("capacity", { max: 12 })), rule: "S009", level: "Yellow" },
  { change: "`min` raised", after: room(field("capacity", { min: 2 })), rule: "S011", level: "Red" },
  { change: "`min` lowered", after: room(field("capacity", { min: 0 })), rule: "S009", level: "Yellow" },
  { change: "a date `min` raised", after: room(field("opened", { min: "2010-01-01" })), rule: "S011", level: "Red" },
  {
    change: "a bound on a field that had none (`maxLength` on an existing field)",
    after: room(field("notes", { maxLength: 500 })),
    rule: "S011",
    level: "Red",
  },
  { change: "a bound removed", after: room(field("capacity", { max: undefined })), rule: "—", level: "Green" },
  { change: "a new `pattern`", after: room(field("notes", { pattern: "[a-z ]*" })), rule: "S011", level: "Red" },
  { change: "a changed `pattern`", after: room(field("ref", { pattern: "[A-Z]{2,}" })), rule: "S011", level: "Red" },
  { change: "a `pattern` removed", after: room(field("ref", { pattern: undefined })), rule: "—", level: "Green" },
  { change: "a new `format`", after: room(field("notes", { format: "url" })), rule: "S011", level: "Red" },
  { change: "a changed `format`", after: room(field("email", { format: "url" })), rule: "S011", level: "Red" },
  { change: "a smaller `precision`", after: room(field("rate", { precision: 8 })), rule: "S003", level: "Red" },
  { change: "a smaller `scale`", after: room(field("rate", { scale: 1 })), rule: "S003", level: "Red" },
  { change: "a larger `precision`, same `scale` (no rewrite)", after: room(field("rate", { precision: 12 })), rule: "—", level: "Green" },
  {
    change: "more digits on both sides of the point (rewrite)",
    after: room(field("rate", { precision: 14, scale: 4 })),
    rule: "S010",
    level: "Yellow",
  },
  { change: "an enum value removed", after: room(field("kind", { values: ["single"] })), rule: "S004", level: "Red" },
  { change: "an enum value added", after: room(field("kind", { values: ["single", "double", "suite"] })), rule: "S009", level: "Yellow" },
  {
    change: "a status state removed",
    after: room((r) => (r.status = { initial: "open", states: ["open"] })),
    rule: "S005",
    level: "Red",
  },
  {
    change: "a status state added",
    after: room((r) => (r.status = { initial: "open", states: ["open", "closed", "gone"], transitions: [{ from: "open", to: "closed" }] })),
    rule: "S009",
    level: "Yellow",
  },
  {
    change: "a status machine added to an existing entity",
    before: room((r) => delete r.status),
    after: room(),
    rule: "S009",
    level: "Yellow",
  },
  {
    change: "a new invariant",
    after: room((r) => (r.invariants as unknown[]).push({ name: "codeShort", rule: "size(code) < 12", message: "m" })),
    rule: "S011",
    level: "Red",
  },
  {
    change: "a changed invariant",
    after: room((r) => (r.invariants = [{ name: "fewGuests", rule: "capacity <= 4 || kind == 'double'", message: "m" }])),
    rule: "S011",
    level: "Red",
  },
  {
    change: "an invariant renamed, its rule unchanged",
    after: room((r) => (r.invariants = [{ name: "fewPeople", rule: "capacity <= 6 || kind == 'double'", message: "m" }])),
    rule: "S009",
    level: "Yellow",
  },
  {
    change: "a new optional field with a check",
    after: room((r) => (r.fields.floor = { type: "integer", optional: true, min: 0 })),
    rule: "S009",
    level: "Yellow",
  },
  {
    change: "a new field whose default satisfies its check",
    after: room((r) => (r.fields.floor = { type: "integer", default: 1, min: 0 })),
    rule: "S009",
    level: "Yellow",
  },
  {
    change: "a new field whose default violates its check",
    after: room((r) => (r.fields.floor = { type: "integer", default: 0, min: 1 })),
    rule: "S011",
    level: "Red",
  },
  {
    change: "a new field whose default cannot be checked at design time (`today` against a `max`)",
    after: room((r) => (r.fields.since = { type: "date", default: "today", max: "2100-01-01" })),
    rule: "S011",
    level: "Red",
    conservative: "`today` is only known when the migration runs (it passes a max of 2100 until then)",
  },
  {
    change: "a new optional relationship",
    after: room((r) => ((r.relationships as Record<string, unknown>).wing = { kind: "belongsTo", entity: "Wing", optional: true })),
    rule: "S009",
    level: "Yellow",
  },
  {
    change: "a relationship's `onDelete` changed",
    after: room(
      (r) =>
        ((r.relationships as Record<string, unknown>).hotel = { kind: "belongsTo", entity: "Hotel", optional: true, onDelete: "setNull" }),
    ),
    rule: "S009",
    level: "Yellow",
  },
  {
    change: "a relationship pointed at another entity",
    after: room((r) => ((r.relationships as Record<string, unknown>).hotel = { kind: "belongsTo", entity: "Wing", optional: true })),
    rule: "S011",
    level: "Red",
  },
  { change: "a field made required without a default", after: room(field("notes", { optional: undefined })), rule: "S006", level: "Red" },
  {
    change: "a field renamed with `renamedFrom`",
    after: room((r) => ((r.fields.memo = { ...r.fields.notes, renamedFrom: "notes" }), delete r.fields.notes)),
    rule: "S012",
    level: "Yellow",
  },
  { change: "an index removed", after: room((r) => delete r.indexes), rule: "—", level: "Green" },
  { change: "a `unique` added", after: room(field("code", { unique: true })), rule: "S007", level: "Red" },
  { change: "a check on a field of a new entity", before: null, after: room(field("code", { maxLength: 10 })), rule: "—", level: "Green" },
];

/** The deployed and the new entity documents of a case: Room as the case says, Hotel and Wing unchanged. */
export function specsOf(c: Case, allowDataLoss: boolean): { deployed: unknown[]; next: unknown[] } {
  const after = allowDataLoss ? { ...c.after, allowDataLoss: { reason: "the table is small and was checked" } } : c.after;
  const before = c.before === undefined ? ROOM : c.before;
  return { deployed: [...(before ? [before] : []), HOTEL, WING], next: [after, HOTEL, WING] };
}
