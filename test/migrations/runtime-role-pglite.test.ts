/**
 * The runtime user's grant on PGlite (one connection, so the user is taken on with SET ROLE): rows
 * yes, schema and audit rewrites no — the same rules runtime-role.test.ts checks on PostgreSQL.
 */
import { grantRuntimeRole } from "../../executor/server/runtime-role";
import { applyExecutorMigrations } from "../../executor/store/executor-schema";
import { migrateToSpecs } from "../../migrate/apply";
import { createPgliteDatabase, type TestDatabase } from "../support/databases";
import { exampleManifest } from "../executor/support/harness";

describe("the runtime database user (PGlite)", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createPgliteDatabase();
    expect((await migrateToSpecs(test.db, exampleManifest().specs.entities)).status).toBe("applied");
    await applyExecutorMigrations(test.db);
    await test.db.exec(`CREATE ROLE "runtime" LOGIN CREATEDB`);
    await grantRuntimeRole(test.db, "runtime");
  }, 60_000);
  afterAll(() => test?.drop());

  const asRuntime = async (sql: string) => {
    await test.db.exec(`SET ROLE "runtime"`);
    try {
      await test.db.exec(sql);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await test.db.exec("RESET ROLE");
    }
  };

  it("writes an entity's rows, reads the audit trail and moves its head", async () => {
    expect(await asRuntime(`INSERT INTO "customer" ("name", "email") VALUES ('Ada', 'ada@example.com')`)).toBeUndefined();
    expect(await asRuntime(`SELECT * FROM "fascia_audit"`)).toBeUndefined();
    expect(await asRuntime(`UPDATE "fascia_audit_head" SET "seq" = "seq"`)).toBeUndefined();
  });

  it("is refused schema changes, audit rewrites and new tables", async () => {
    expect(await asRuntime(`ALTER TABLE "customer" ADD COLUMN "x" integer`)).toMatch(/must be owner/);
    expect(await asRuntime(`ALTER TABLE "fascia_audit" DISABLE TRIGGER ALL`)).toMatch(/must be owner/);
    expect(await asRuntime(`DELETE FROM "fascia_audit"`)).toMatch(/permission denied/);
    expect(await asRuntime(`CREATE TABLE "mine" ("id" integer)`)).toMatch(/permission denied/);
    const { rows } = await test.db.query<{ rolcreatedb: boolean }>(`SELECT rolcreatedb FROM pg_roles WHERE rolname = 'runtime'`);
    expect(rows[0]!.rolcreatedb).toBe(false);
  });
});
