/**
 * The pg driver when PostgreSQL kills a connection that is checked out but idle between two
 * statements (pg_terminate_backend, a failover): the next statement fails with the loss instead
 * of the process crashing on an unhandled 'error' event, and the pool replaces the connection.
 */
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
