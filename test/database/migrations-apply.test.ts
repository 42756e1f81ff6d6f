/** The migration applier on both drivers: ledger, checksums, all-or-nothing, blocked plans, resuming, drift. */
import { loadSpecDir, loadSpecObjects } from "../../loader/load";
import { entityList } from "../../loader/model";
import type { EntitySpec } from "../../language/entity";
import { applyMigrations, buildMigration, migrateToSpecs, MigrationStepError } from "../../migrate/apply";
import { readCatalog } from "../../migrate/catalog";
import { detectDrift } from "../../migrate/drift";
import { MigrationIntegrityError, readLedger } from "../../migrate/ledger";
import type { MigrationStep } from "../../compiler/migrations/plan";
import type { Database } from "../../database/types";
import { describeEachDriver, useTestDatabase } from "../support/databases";

const example = entityList(loadSpecDir("examples/reservations").specs);

function entities(objects: unknown[]): EntitySpec[] {
  const loaded = loadSpecObjects(objects);
  expect(loaded.diagnostics).toEqual([]);
  return entityList(loaded.specs);
}

const tag = (extra: Record<string, unknown> = {}) => ({
  kind: "Entity",
  name: "Tag",
  fields: { label: { type: "string", maxLength: 20 } },
  ...extra,
});

async function reset(db: Database): Promise<void> {
  await db.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
}

const step = (sql: string): MigrationStep => ({
  phase: "transaction",
  entity: "",
  summary: sql,
  sql: [sql],
  lock: "none",
  rewrite: false,
  findings: [],
});

describeEachDriver("applying migrations", (driver) => {
  const test = useTestDatabase(driver);
  const db = () => test.current.db;
  beforeEach(() => reset(db()));

  it("applies once; running again is a no-op and the ledger holds the migration once", async () => {
    expect((await migrateToSpecs(db(), example)).status).toBe("applied");
    const catalog = await readCatalog(db());
    expect((await migrateToSpecs(db(), example)).status).toBe("up-to-date");
    expect(await readCatalog(db())).toEqual(catalog);
    expect((await readLedger(db())).map((r) => [r.seq, r.state])).toEqual([[1, "applied"]]);
  });

  it("skips an applied migration of an explicit list, and refuses one whose checksum changed", async () => {
    const plan = { steps: [step('CREATE TABLE "t1" ("a" integer)')] };
    const m = buildMigration(1, plan, []);
    expect(await applyMigrations(db(), [m])).toEqual({ applied: [m.id], skipped: [] });
    expect(await applyMigrations(db(), [m])).toEqual({ applied: [], skipped: [m.id] });
    const edited = { ...buildMigration(1, { steps: [step('CREATE TABLE "t1" ("a" bigint)')] }, []), id: m.id };
    await expect(applyMigrations(db(), [edited])).rejects.toThrow(MigrationIntegrityError);
  });

  it("treats a ledger row edited after the fact as a hard error", async () => {
    await migrateToSpecs(db(), example);
    await db().query("UPDATE fascia_migrations SET script = script || '-- edited'");
    await expect(migrateToSpecs(db(), example)).rejects.toThrow(/does not match its checksum/);
  });

  it("is all or nothing: a failing step leaves no table and no ledger row behind", async () => {
    const m = buildMigration(1, { steps: [step('CREATE TABLE "t1" ("a" integer)'), step("SELECT 1 / 0")] }, []);
    await expect(applyMigrations(db(), [m])).rejects.toThrow(MigrationStepError);
    const { rows } = await db().query<{ t1: string | null; ledger: string | null }>(
      "SELECT to_regclass('t1')::text AS t1, to_regclass('fascia_migrations')::text AS ledger",
    );
    expect(rows[0]).toEqual({ t1: null, ledger: null });
  });

  it("touches nothing when the plan is blocked by a Red change", async () => {
    await migrateToSpecs(
      db(),
      entities([tag({ fields: { label: { type: "string", maxLength: 20 }, note: { type: "string", optional: true } } })]),
    );
    const before = await readCatalog(db());
    const outcome = await migrateToSpecs(db(), entities([tag()]));
    expect(outcome.status).toBe("blocked");
    expect(outcome.plan.findings.map((f) => f.rule)).toEqual(["S002"]);
    expect(await readCatalog(db())).toEqual(before);
    expect(await readLedger(db())).toHaveLength(1);
  });

  it("applies the same change once allowDataLoss acknowledges it", async () => {
    await migrateToSpecs(
      db(),
      entities([tag({ fields: { label: { type: "string", maxLength: 20 }, note: { type: "string", optional: true } } })]),
    );
    const outcome = await migrateToSpecs(db(), entities([tag({ allowDataLoss: { reason: "notes were never shown" } })]));
    expect(outcome.status).toBe("applied");
    expect(Object.keys((await readCatalog(db())).tables.tag!.columns)).not.toContain("note");
  });

  it("stops when a unique cannot be built over duplicates, then resumes where it stopped", async () => {
    await migrateToSpecs(db(), entities([tag()]));
    await db().query("INSERT INTO tag (label) VALUES ('a'), ('a')");
    const withUnique = entities([tag({ unique: [["label"]], allowDataLoss: { reason: "labels are unique in practice" } })]);
    await expect(migrateToSpecs(db(), withUnique)).rejects.toThrow(/unique/i);
    expect((await readLedger(db())).map((r) => r.state)).toEqual(["applied", "pending"]);
    await db().query("DELETE FROM tag WHERE ctid IN (SELECT ctid FROM tag LIMIT 1)");
    const resumed = await migrateToSpecs(db(), withUnique);
    expect(resumed).toMatchObject({ status: "up-to-date", resumed: [expect.stringMatching(/^0002_/)] });
    expect((await readLedger(db())).map((r) => r.state)).toEqual(["applied", "applied"]);
    await expect(db().query("INSERT INTO tag (label) VALUES ('a')")).rejects.toMatchObject({ code: "23505" });
  });

  it("reports drift between the entities and the live catalog", async () => {
    await migrateToSpecs(db(), example);
    expect(await detectDrift(db(), example)).toEqual([]);
    await db().exec('ALTER TABLE room DROP CONSTRAINT "room__capacity__max"; ALTER TABLE room ADD COLUMN extra text;');
    expect((await detectDrift(db(), example)).map((d) => d.path)).toEqual([
      "tables.room.columns.extra",
      "tables.room.constraints.room__capacity__max",
    ]);
  });
});
