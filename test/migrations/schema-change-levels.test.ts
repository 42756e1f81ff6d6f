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
import { loadSpecObjects } from "../../loader/load";
import { entityList } from "../../loader/model";
import { planMigration } from "../../compiler/migrations";
import { CASES, specsOf, type Case } from "./schema-change-cases";

function entities(...objects: unknown[]) {
  const loaded = loadSpecObjects(objects);
  expect(loaded.diagnostics).toEqual([]);
  return entityList(loaded.specs);
}

function plan(c: Case, allowDataLoss: boolean) {
  const { deployed, next } = specsOf(c, allowDataLoss);
  return planMigration(entities(...deployed), entities(...next));
}

describe.each([false, true])("schema-change levels (allowDataLoss: %s)", (allowDataLoss) => {
  it.each(CASES.map((c) => [c.change, c] as const))("%s", (_change, c) => {
    const p = plan(c, allowDataLoss);
    expect(p.problems).toEqual([]);
    const findings = p.findings
      .filter((f) => f.entity === "Room")
      .map((f) => ({ rule: f.rule, level: f.level, acknowledged: f.acknowledged }));
    const expected =
      c.level === "Green" ? [] : [{ rule: c.rule, level: c.level.toLowerCase(), acknowledged: c.level === "Red" && allowDataLoss }];
    expect(findings).toEqual(expected);
    expect(p.blocked).toBe(c.level === "Red" && !allowDataLoss);
  });
});

describe("the SQL of a check existing rows may violate", () => {
  it("stays safe: added NOT VALID in the transaction, validated in the second one", () => {
    const p = plan(
      CASES.find((c) => c.change === "`maxLength` lowered")!,
      true,
    );
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
    const section = docs
      .split("#### Which level a change gets")[1]
      ?.split("\n\n")
      .find((block) => block.startsWith("| change"));
    expect(section).toBeDefined();
    const rows = section!
      .split("\n")
      .slice(2)
      .map((line) => line.split(" | ").map((cell) => cell.replace(/^\| ?| ?\|$/g, "").trim()));
    expect(rows).toEqual(CASES.map((c) => [c.change, c.rule, c.level]));
  });
});
