/**
 * The schema-change table against real rows: the deployed Room is filled with rows that sit on
 * the edges of its rules (shortest and longest code, smallest and largest capacity, the earliest
 * date, a reference, values a new pattern or format refuses), then migrated to each case.
 *
 * - A Yellow or Green case must apply: existing-rows.ts claimed the rows cannot violate what it
 *   adds, so this is where a wrong "cannot violate" would show.
 * - An S011 case must fail, and at VALIDATE (phase 3): the rows do violate the new rule, and the
 *   SQL stayed safe — the constraint was added NOT VALID and only the validation refused them.
 *   A case marked `conservative` is Red for what the planner cannot know; these rows pass it.
 * The other Red cases belong to older rules (S003–S007) and are not run here.
 */
import { migrateToSpecs, MigrationStepError } from "../../migrate/apply";
import type { Database } from "../../database/types";
import { loadSpecObjects } from "../../loader/load";
import { entityList } from "../../loader/model";
import { describeEachDriver, useTestDatabase } from "../support/databases";
import { CASES, specsOf, type Case } from "./schema-change-cases";

function entities(objects: unknown[]) {
  const loaded = loadSpecObjects(objects);
  expect(loaded.diagnostics).toEqual([]);
  return entityList(loaded.specs);
}

async function fill(db: Database): Promise<void> {
  const { rows } = await db.query<{ id: string }>(`INSERT INTO "hotel" ("name") VALUES ('Harbour') RETURNING "id"`);
  const hotel = rows[0]!.id;
  const insert = `INSERT INTO "room" ("code", "capacity", "rate", "opened", "kind", "notes", "email", "ref", "hotel_id") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
  // Each row is valid for ROOM; between them they break every tightened rule of the table.
  await db.query(insert, ["AB", 1, "99999999.99", "2000-01-01", "single", `Room X ${"x".repeat(600)}`, "desk@harbour.example", "A", hotel]);
  await db.query(insert, ["ABCDEFGHIJKLMNOPQRST", 8, "0.00", "2024-05-01", "double", null, null, "ABC", null]);
  await db.query(insert, ["CD", 6, "120.50", "2010-06-30", "single", "quiet", null, null, hotel]);
}

const runs = CASES.filter((c) => c.level !== "Red" || c.rule === "S011");

describeEachDriver("rows valid before the change, migrated to each case of the table", (driver) => {
  const database = useTestDatabase(driver);

  it.each(runs.map((c) => [c.change, c] as const))(
    "%s",
    async (_change, c: Case) => {
      const db = database.current.db;
      await db.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
      const { deployed, next } = specsOf(c, true);
      expect((await migrateToSpecs(db, entities(deployed))).status).toBe("applied");
      if (c.before !== null) await fill(db);
      const outcome = migrateToSpecs(db, entities(next));
      if (c.level !== "Red" || c.conservative) {
        await expect(outcome).resolves.toMatchObject({ status: "applied" });
        return;
      }
      const error = await outcome.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MigrationStepError);
      expect((error as MigrationStepError).step).toMatchObject({ phase: "validate", summary: expect.stringMatching(/^validate /) });
    },
    60_000,
  );
});
