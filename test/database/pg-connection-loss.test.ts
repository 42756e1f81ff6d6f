/**
 * The pg driver when PostgreSQL kills a connection that is checked out but idle between two
 * statements (pg_terminate_backend, a failover): the next statement fails with the loss instead
 * of the process crashing on an unhandled 'error' event, and the pool replaces the connection.
 *
 * A prepared statement whose result type a migration changed fails once; its connection is given
 * up, so the next use prepares afresh instead of failing on that connection for ever.
 */
import { openPg } from "../../database/pg-driver";
import { createPgDatabase, testDrivers, type TestDatabase } from "../support/databases";

(testDrivers().includes("pg") ? describe : describe.skip)("pg driver: a connection killed while checked out", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createPgDatabase();
  }, 60_000);
  afterAll(() => test?.drop());

  it("reports the loss at the next statement, inside a session and a transaction, and the pool recovers", async () => {
    for (const open of ["session", "transaction"] as const) {
      const outcome = test.db[open](async (conn) => {
        const { rows } = await conn.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        const killed = await test.db.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [rows[0]!.pid]);
        expect(killed.rows[0]!.ok).toBe(true);
        // Let the FATAL message and the socket's end reach the idle client.
        await new Promise((r) => setTimeout(r, 100));
        return conn.query("SELECT 1");
      });
      await expect(outcome).rejects.toThrow(/terminat|not queryable/i);
    }
    const { rows } = await test.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()",
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
  });
});

(testDrivers().includes("pg") ? describe : describe.skip)("pg driver: a prepared statement whose result type a migration changed", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createPgDatabase();
    await test.db.exec(`CREATE TABLE "stay" ("nights" integer NOT NULL); INSERT INTO "stay" VALUES (2)`);
  }, 60_000);
  afterAll(() => test?.drop());

  it("fails once, then gives the connection up so the next use prepares afresh, in a session and through the pool", async () => {
    const db = openPg(test.url, { max: 1 });
    try {
      const ways = {
        session: (text: string) => db.session((conn) => conn.query<{ nights: unknown }>(text, [], { prepare: true })),
        pool: (text: string) => db.query<{ nights: unknown }>(text, [], { prepare: true }),
      };
      for (const [way, run] of Object.entries(ways)) {
        // Each way its own text, so each prepares its own statement on the one connection.
        const text = `SELECT "nights" FROM "stay" /* ${way} */`;
        expect(Number((await run(text)).rows[0]!.nights)).toBe(2);
        await test.db.exec(`ALTER TABLE "stay" ALTER COLUMN "nights" TYPE ${way === "session" ? "bigint" : "numeric"}`);
        await expect(run(text)).rejects.toThrow(/cached plan must not change result type/);
        expect(Number((await run(text)).rows[0]!.nights)).toBe(2);
      }
    } finally {
      await db.close();
    }
  });
});
