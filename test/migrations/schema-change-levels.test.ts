/**
 * Which rule and level each schema change gets, as a table: the same table is in docs/schema.md
 * ("Which level a change gets"), and this test checks that the two agree row for row.
 *
 * Every case changes one thing of an entity whose table exists (or, where it says so, adds one)
 * and expects exactly one finding on it, or none (Green). Each runs twice: as written, where a
 * Red finding blocks the plan, and with `allowDataLoss` on the entity, which acknowledges Red
 * findings (the plan may run) and leaves Yellow ones as they are.
 */
import { readFileSync } from "node:fs";
import { loadSpecObjects } from "../../spec/load";
import { entityList } from "../../spec/model";
import { planMigration } from "../../compiler/migrations";

type Spec = Record<string, unknown> & { fields: Record<string, Record<string, unknown>> };

const ROOM: Spec = {
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
};
const HOTEL = { kind: "Entity", name: "Hotel", fields: { name: { type: "string" } } };
const WING = { kind: "Entity", name: "Wing", fields: { name: { type: "string" } } };

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

interface Case {
  /** As written in the docs table. */
  readonly change: string;
  readonly before?: Spec;
  readonly after: Spec;
  readonly rule: string;
  readonly level: "Red" | "Yellow" | "Green";
}

const CASES: readonly Case[] = [
  { change: "`maxLength` lowered", after: room(field("code", { maxLength: 10 })), rule: "S011", level: "Red" },
  { change: "`maxLength` raised", after: room(field("code", { maxLength: 40 })), rule: "S009", level: "Yellow" },
  { change: "`minLength` raised", after: room(field("code", { minLength: 3 })), rule: "S011", level: "Red" },
  { change: "`minLength` lowered", after: room(field("code", { minLength: 1 })), rule: "S009", level: "Yellow" },
  { change: "`max` lowered", after: room(field("capacity", { max: 6 })), rule: "S011", level: "Red" },
  { change: "`max` raised", after: room(field("capacity", { max: 12 })), rule: "S009", level: "Yellow" },
  { change: "`min` raised", after: room(field("capacity", { min: 2 })), rule: "S011", level: "Red" },
  { change: "`min` lowered", after: room(field("capacity", { min: 0 })), rule: "S009", level: "Yellow" },
  { change: "a date `min` raised", after: room(field("opened", { min: "2010-01-01" })), rule: "S011", level: "Red" },
  { change: "a bound on a field that had none (`maxLength` on an existing field)", after: room(field("notes", { maxLength: 500 })), rule: "S011", level: "Red" },
  { change: "a bound removed", after: room(field("capacity", { max: undefined })), rule: "—", level: "Green" },
  { change: "a new `pattern`", after: room(field("notes", { pattern: "[a-z ]*" })), rule: "S011", level: "Red" },
  { change: "a changed `pattern`", after: room(field("ref", { pattern: "[A-Z]{2,}" })), rule: "S011", level: "Red" },
  { change: "a `pattern` removed", after: room(field("ref", { pattern: undefined })), rule: "—", level: "Green" },
  { change: "a new `format`", after: room(field("notes", { format: "url" })), rule: "S011", level: "Red" },
  { change: "a changed `format`", after: room(field("email", { format: "url" })), rule: "S011", level: "Red" },
  { change: "a smaller `precision`", after: room(field("rate", { precision: 8 })), rule: "S003", level: "Red" },
  { change: "a smaller `scale`", after: room(field("rate", { scale: 1 })), rule: "S003", level: "Red" },
  { change: "a larger `precision`, same `scale` (no rewrite)", after: room(field("rate", { precision: 12 })), rule: "—", level: "Green" },
  { change: "more digits on both sides of the point (rewrite)", after: room(field("rate", { precision: 14, scale: 4 })), rule: "S010", level: "Yellow" },
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
  { change: "a status machine added to an existing entity", before: room((r) => delete r.status), after: room(), rule: "S009", level: "Yellow" },
  { change: "a new invariant", after: room((r) => (r.invariants as unknown[]).push({ name: "codeShort", rule: "size(code) < 12", message: "m" })), rule: "S011", level: "Red" },
  { change: "a changed invariant", after: room((r) => (r.invariants = [{ name: "fewGuests", rule: "capacity <= 4 || kind == 'double'", message: "m" }])), rule: "S011", level: "Red" },
  { change: "an invariant renamed, its rule unchanged", after: room((r) => (r.invariants = [{ name: "fewPeople", rule: "capacity <= 6 || kind == 'double'", message: "m" }])), rule: "S009", level: "Yellow" },
  { change: "a new optional field with a check", after: room((r) => (r.fields.floor = { type: "integer", optional: true, min: 0 })), rule: "S009", level: "Yellow" },
  { change: "a new field whose default satisfies its check", after: room((r) => (r.fields.floor = { type: "integer", default: 1, min: 0 })), rule: "S009", level: "Yellow" },
  { change: "a new field whose default violates its check", after: room((r) => (r.fields.floor = { type: "integer", default: 0, min: 1 })), rule: "S011", level: "Red" },
  { change: "a new field whose default cannot be checked at design time (`today` against a `max`)", after: room((r) => (r.fields.since = { type: "date", default: "today", max: "2100-01-01" })), rule: "S011", level: "Red" },
  { change: "a new optional relationship", after: room((r) => ((r.relationships as Record<string, unknown>).wing = { kind: "belongsTo", entity: "Wing", optional: true })), rule: "S009", level: "Yellow" },
  { change: "a relationship's `onDelete` changed", after: room((r) => ((r.relationships as Record<string, unknown>).hotel = { kind: "belongsTo", entity: "Hotel", optional: true, onDelete: "setNull" })), rule: "S009", level: "Yellow" },
  { change: "a relationship pointed at another entity", after: room((r) => ((r.relationships as Record<string, unknown>).hotel = { kind: "belongsTo", entity: "Wing", optional: true })), rule: "S011", level: "Red" },
  { change: "a field made required without a default", after: room(field("notes", { optional: undefined })), rule: "S006", level: "Red" },
  { change: "a `unique` added", after: room(field("code", { unique: true })), rule: "S007", level: "Red" },
  { change: "a check on a field of a new entity", before: HOTEL as unknown as Spec, after: room(field("code", { maxLength: 10 })), rule: "—", level: "Green" },
];

function entities(...objects: unknown[]) {
  const loaded = loadSpecObjects(objects);
  expect(loaded.diagnostics).toEqual([]);
  return entityList(loaded.specs);
}

/** Findings of a plan from `before` to `after`, the other entities unchanged. */
function plan(c: Case, allowDataLoss: boolean) {
  const after = allowDataLoss ? { ...c.after, allowDataLoss: { reason: "the table is small and was checked" } } : c.after;
  const before = c.before ?? ROOM;
  // A "new entity" case plans from a set without Room; every other from one with it.
  const deployed = before === (HOTEL as unknown) ? [HOTEL, WING] : [before, HOTEL, WING];
  return planMigration(entities(...deployed), entities(after, HOTEL, WING));
}

describe.each([false, true])("schema-change levels (allowDataLoss: %s)", (allowDataLoss) => {
  it.each(CASES.map((c) => [c.change, c] as const))("%s", (_change, c) => {
    const p = plan(c, allowDataLoss);
    expect(p.problems).toEqual([]);
    const findings = p.findings.filter((f) => f.entity === "Room").map((f) => ({ rule: f.rule, level: f.level, acknowledged: f.acknowledged }));
    const expected = c.level === "Green" ? [] : [{ rule: c.rule, level: c.level.toLowerCase(), acknowledged: c.level === "Red" && allowDataLoss }];
    expect(findings).toEqual(expected);
    expect(p.blocked).toBe(c.level === "Red" && !allowDataLoss);
  });
});

describe("the SQL of a check existing rows may violate", () => {
  it("stays safe: added NOT VALID in the transaction, validated in the second one", () => {
    const p = plan(CASES.find((c) => c.change === "`maxLength` lowered")!, true);
    expect(p.steps.map((s) => [s.phase, s.sql.join(" ")])).toEqual([
      ["transaction", 'ALTER TABLE "room" DROP CONSTRAINT IF EXISTS "room__code__max_length";'],
      ["transaction", 'ALTER TABLE "room" ADD CONSTRAINT "room__code__max_length" CHECK (char_length("code") <= 10) NOT VALID;'],
      ["validate", 'ALTER TABLE "room" VALIDATE CONSTRAINT "room__code__max_length";'],
    ]);
  });
});

describe("docs/schema.md", () => {
  it("has the same table of cases, row for row", () => {
    const docs = readFileSync("docs/schema.md", "utf8");
    const section = docs.split("#### Which level a change gets")[1]?.split("\n\n").find((block) => block.startsWith("| change"));
    expect(section).toBeDefined();
    const rows = section!
      .split("\n")
      .slice(2)
      .map((line) => line.split(" | ").map((cell) => cell.replace(/^\| ?| ?\|$/g, "").trim()));
    expect(rows).toEqual(CASES.map((c) => [c.change, c.rule, c.level]));
  });
});
