/**
 * Two `fascia migrate` processes started at once against one PostgreSQL database: one applies,
 * the other waits for the migration lock, then finds nothing to do. To make sure they really
 * overlap, the test holds the lock until both processes are queued behind it.
 */
import { Client } from "pg";
import { MIGRATION_LOCK_KEY } from "../../migrate/ledger";
import { createPgDatabase, testDrivers, type TestDatabase } from "../support/databases";
import { runTs } from "../support/run-node";

const onPostgres = testDrivers().includes("pg") ? describe : describe.skip;

const runCli = (args: string[]) => runTs("cli/main.ts", args);

onPostgres("two fascia migrate processes at once [pg]", () => {
  let target: TestDatabase;
  beforeAll(async () => {
    target = await createPgDatabase();
  });
  afterAll(async () => {
    await target?.drop();
  });

  it("one applies, the other waits and finds nothing to do; the ledger has the migration once", async () => {
    const holder = new Client({ connectionString: target.url });
    await holder.connect();
    await holder.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    const runs = [
      runCli(["migrate", "examples/reservations", "--db", target.url]),
      runCli(["migrate", "examples/reservations", "--db", target.url]),
    ];
    try {
      // Wait until both processes are blocked on the lock.
      for (let waited = 0; ; waited += 100) {
        const { rows } = await holder.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        if (Number(rows[0]!.n) === 2) break;
        if (waited > 30_000) throw new Error("the two migrate processes never queued on the migration lock");
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await holder.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
    }
    const results = await Promise.all(runs);
    const { rows } = await holder.query<{ id: string }>("SELECT id FROM fascia_migrations");
    await holder.end();
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.map((r) => r.err)).toEqual(["", ""]);
    const outputs = results.map((r) => r.out);
    expect(outputs.filter((o) => /Applied migration 0001_/.test(o))).toHaveLength(1);
    expect(outputs.filter((o) => /up to date, nothing to migrate/.test(o))).toHaveLength(1);
    expect(rows).toHaveLength(1);
  }, 90_000);
});
