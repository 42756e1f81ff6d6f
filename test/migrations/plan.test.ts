/** The planner without a database: which steps, in which phase, with which risk. */
import { loadSpecObjects } from "../../loader/load";
import { entityList } from "../../loader/model";
import { planMigration, SCHEMA_CHANGE_RULES, renderPlanSql, type MigrationPlan } from "../../compiler/migrations";

function entities(...objects: unknown[]) {
  const loaded = loadSpecObjects(objects);
  expect(loaded.diagnostics).toEqual([]);
  return entityList(loaded.specs);
}

const room = (extra: Record<string, unknown> = {}, fields: Record<string, unknown> = {}) => ({
  kind: "Entity",
  name: "Room",
  fields: { number: { type: "string", maxLength: 10 }, capacity: { type: "integer", min: 1 }, ...fields },
  ...extra,
});

const rules = (plan: MigrationPlan) => plan.findings.map((f) => `${f.rule}${f.acknowledged ? "+" : ""}`);
const sql = (plan: MigrationPlan) => plan.steps.flatMap((s) => s.sql).join("\n");

describe("SCHEMA_CHANGE_RULES", () => {
  it("has stable, unique, ordered ids, each with a level, title and hint", () => {
    const ids = SCHEMA_CHANGE_RULES.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
    for (const r of SCHEMA_CHANGE_RULES) {
      expect(r.id).toMatch(/^S\d{3}$/);
      expect(["red", "yellow"]).toContain(r.level);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.hint.length).toBeGreaterThan(10);
    }
  });
});

describe("planMigration", () => {
  it("plans nothing between identical specs", () => {
    const plan = planMigration(entities(room()), entities(room()));
    expect(plan.steps).toEqual([]);
    expect(plan.blocked).toBe(false);
  });

  it("builds indexes on existing tables CONCURRENTLY, outside the transaction", () => {
    const plan = planMigration(entities(room()), entities(room({ indexes: [["capacity"]] })));
    expect(plan.steps.map((s) => [s.phase, s.sql.join(" ")])).toEqual([
      ["concurrent", 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "room__capacity__idx" ON "room" USING btree ("capacity");'],
    ]);
    expect(renderPlanSql(plan)).toMatch(
      /outside any transaction[\s\S]*SET lock_timeout = '5s';\nSET statement_timeout = '15min';\n[\s\S]*CONCURRENTLY/,
    );
  });

  it("adds checks NOT VALID in the transaction and validates them in a second one (S011 when old rows may violate it)", () => {
    const plan = planMigration(entities(room()), entities(room({}, { capacity: { type: "integer", min: 1, max: 8 } })));
    expect(plan.steps.map((s) => [s.phase, s.sql[0]])).toEqual([
      ["transaction", 'ALTER TABLE "room" ADD CONSTRAINT "room__capacity__max" CHECK ("capacity" <= 8) NOT VALID;'],
      ["validate", 'ALTER TABLE "room" VALIDATE CONSTRAINT "room__capacity__max";'],
    ]);
    // A max on a field that already has values: a row over 8 would fail VALIDATE (the contract's Red).
    expect(rules(plan)).toEqual(["S011"]);
    expect(plan.blocked).toBe(true);
    // The same check on a field added in this plan cannot fail: its rows hold NULL (S009, Yellow).
    const added = planMigration(entities(room()), entities(room({}, { floor: { type: "integer", optional: true, max: 8 } })));
    expect(rules(added)).toEqual(["S009"]);
    expect(added.blocked).toBe(false);
    expect(renderPlanSql(plan)).toMatch(
      /^-- phase 1[^\n]*\nBEGIN;\nSET LOCAL lock_timeout = '5s';\nSET LOCAL statement_timeout = '15min';/,
    );
  });

  it.each([
    [
      "dropping a field",
      room(),
      room({}, {}),
      "S002",
      (p: Record<string, unknown>) => ({ ...p, fields: { number: { type: "string", maxLength: 10 } } }),
    ],
    [
      "narrowing a type",
      room(),
      room({}, { capacity: { type: "integer", min: 1 } }),
      "S003",
      (p: Record<string, unknown>) => ({ ...p, fields: { number: { type: "integer" }, capacity: { type: "integer", min: 1 } } }),
    ],
    [
      "a required field without default",
      room(),
      room(),
      "S006",
      (p: Record<string, unknown>) => ({ ...p, fields: { ...(p.fields as object), floor: { type: "integer" } } }),
    ],
    ["a unique on an existing table", room(), room(), "S007", (p: Record<string, unknown>) => ({ ...p, unique: [["number"]] })],
  ])("blocks %s unless allowDataLoss acknowledges it", (_label, a, b, rule, edit) => {
    const next = edit(b as Record<string, unknown>);
    const blocked = planMigration(entities(a), entities(next));
    expect(rules(blocked)).toContain(rule);
    expect(blocked.blocked).toBe(true);
    const acknowledged = planMigration(entities(a), entities({ ...next, allowDataLoss: { reason: "empty table" } }));
    expect(rules(acknowledged)).toContain(`${rule}+`);
    expect(acknowledged.blocked).toBe(false);
  });

  it("flags removed enum values and states (S004, S005) and dropped entities (S001, acknowledged by the deployed version)", () => {
    const before = {
      kind: "Entity",
      name: "Job",
      fields: { kind: { type: "enum", values: ["a", "b"] } },
      status: { initial: "new", states: ["new", "done"] },
    };
    const after = { ...before, fields: { kind: { type: "enum", values: ["a"] } }, status: { initial: "new", states: ["new"] } };
    expect(rules(planMigration(entities(before, room()), entities(after, room())))).toEqual(expect.arrayContaining(["S004", "S005"]));
    expect(rules(planMigration(entities(before, room()), entities(room())))).toEqual(["S001"]);
    expect(rules(planMigration(entities({ ...before, allowDataLoss: { reason: "retired" } }, room()), entities(room())))).toEqual([
      "S001+",
    ]);
  });

  it("renames only with renamedFrom: RENAME statements, no data loss (S012 Yellow: the serving revision uses the old names)", () => {
    const renamed = {
      kind: "Entity",
      name: "Chamber",
      renamedFrom: "Room",
      fields: { label: { type: "string", maxLength: 10, renamedFrom: "number" }, capacity: { type: "integer", min: 1 } },
    };
    const plan = planMigration(entities(room()), entities(renamed));
    expect(rules(plan)).toEqual(["S012", "S012"]);
    expect(plan.blocked).toBe(false);
    expect(sql(plan)).toContain('ALTER TABLE "room" RENAME TO "chamber";');
    expect(sql(plan)).toContain('ALTER TABLE "chamber" RENAME COLUMN "number" TO "label";');
    expect(sql(plan)).toContain('RENAME CONSTRAINT "room__number__max_length" TO "chamber__label__max_length"');
    expect(sql(plan)).not.toMatch(/DROP COLUMN|DROP TABLE/);
    const withoutHint = planMigration(entities(room()), entities({ ...renamed, renamedFrom: undefined }));
    expect(rules(withoutHint)).toContain("S001");
  });

  it("does not take a widened bound as proof when a narrowing type change converts the values first (S003 and S011)", () => {
    // 10.6 passes max 10.6, and becomes 11 as an integer, which fails max 10.7.
    const plan = planMigration(
      entities(room({}, { rate: { type: "number", max: 10.6 } })),
      entities(room({}, { rate: { type: "integer", max: 10.7 } })),
    );
    expect(rules(plan).sort()).toEqual(["S003", "S011"]);
    expect(plan.findings.find((f) => f.rule === "S011")?.message).toContain("converted from double precision to integer");
    // The same widening over a type that keeps every value is Yellow, S010 for the rewrite.
    const widening = planMigration(
      entities(room({}, { rate: { type: "integer", max: 10 } })),
      entities(room({}, { rate: { type: "number", max: 11 } })),
    );
    expect(rules(widening).sort()).toEqual(["S009", "S010"]);
  });

  it.each([
    [{ type: "string", default: "abc", pattern: "[a-z]+" }, "S009"],
    [{ type: "string", default: "abc", pattern: "[0-9]+" }, "S011"],
    [{ type: "string", default: "a😀b", maxLength: 3 }, "S009"], // 3 code points (4 UTF-16 units), as char_length counts
    [{ type: "string", default: "abcd", maxLength: 3 }, "S011"],
    [{ type: "string", default: "ab", minLength: 3 }, "S011"],
    [{ type: "string", default: "desk@example.org", format: "email" }, "S009"],
    [{ type: "string", default: "desk", format: "url" }, "S011"],
    [{ type: "decimal", default: "2.50", min: 2 }, "S009"],
    [{ type: "decimal", default: "1.99", min: 2 }, "S011"],
    [{ type: "decimal", default: "2.0000000000000000000001", min: 2 }, "S011"], // passes, but no double holds it: not judged (conservative)
    [{ type: "date", default: "2020-01-01", max: "2019-12-31" }, "S011"],
    [{ type: "enum", values: ["a", "b"], default: "b" }, "S009"],
  ])("judges a new field's default against its check: %j → %s", (floor, rule) => {
    const plan = planMigration(entities(room()), entities(room({}, { floor })));
    expect(rules(plan)).toEqual([rule]);
  });

  it("marks steps that lock or rewrite a table (S010)", () => {
    const plan = planMigration(entities(room()), entities(room({}, { capacity: { type: "bigint", min: 1 } })));
    // The type change rewrites the table; the min CHECK over the column is dropped before it and
    // added back after it (NOT VALID, then VALIDATE), so the catalog matches a fresh table's.
    expect(plan.steps.map((s) => ({ lock: s.lock, rewrite: s.rewrite }))).toEqual([
      { lock: "brief", rewrite: false },
      { lock: "long", rewrite: true },
      { lock: "brief", rewrite: false },
      { lock: "none", rewrite: false },
    ]);
    expect(rules(plan)).toEqual(["S010"]);
  });

  it("lists invariants outside the SQL subset as executor-enforced, never dropping them", () => {
    const plan = planMigration(
      [],
      entities(room({ invariants: [{ name: "weekday", rule: "timestamp('2020-01-01T00:00:00Z').getDayOfWeek() >= 0", message: "m" }] })),
    );
    expect(plan.executorInvariants.map((e) => e.invariant.name)).toEqual(["weekday"]);
  });
});
