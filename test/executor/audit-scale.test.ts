/**
 * The audit log at scale, on PostgreSQL (PGlite is one process's): appends from several processes
 * at once, each with its own pool, never fork a chain or lose a record; and `fascia audit verify`
 * walks 1,000,000 records with a 64 MB heap, which holding them would take several times over.
 */
import { GENESIS_HASH } from "../../executor/audit/audit-chain";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { applyExecutorMigrations, AUDIT_CHAINS } from "../../executor/store/executor-schema";
import { createPgDatabase, testDrivers, type TestDatabase } from "../support/databases";
import { runTs } from "../support/run-node";

const onPostgres = testDrivers().includes("pg") ? describe : describe.skip;

onPostgres("the audit log at scale [pg]", () => {
  let target: TestDatabase;
  beforeEach(async () => {
    target = await createPgDatabase();
    await applyExecutorMigrations(target.db);
  });
  afterEach(async () => {
    await target?.drop();
  });

  it("four processes appending at once: every record on a chain once, no chain forked, checkpoints from all of them hold", async () => {
    const processes = 4;
    const each = 150;
    const results = await Promise.all(
      Array.from({ length: processes }, (_, p) =>
        runTs("test/executor/support/append-worker.ts", [target.url, `p${p}`, String(each), "6"]),
      ),
    );
    expect(results.map((r) => r.err)).toEqual(Array(processes).fill(""));
    expect(results.map((r) => r.code)).toEqual(Array(processes).fill(0));
    const verification = await verifyAuditLog(target.db);
    expect(verification.broken).toBeUndefined();
    expect(verification.records).toBe(processes * each);
    expect(verification.chains.filter((c) => c.records > 0).length).toBeGreaterThan(1);
    expect(verification.checkpoints.count).toBeGreaterThan(0);
    const { rows } = await target.db.query<{ n: string; ids: string }>(
      `SELECT count(*) AS "n", count(DISTINCT "invocation_id") AS "ids" FROM "fascia_audit"`,
    );
    expect(rows[0]).toEqual({ n: String(processes * each), ids: String(processes * each) });
  }, 120_000);

  it("`fascia audit verify` walks 1,000,000 records on 4 chains within a 64 MB heap", async () => {
    const chains = 4;
    const perChain = 250_000;
    // Chained in SQL (a recursive query hashes each chain's records in order, as the APPEND does), so building them takes seconds.
    await target.db.exec(`
      WITH RECURSIVE "r" ("chain", "seq", "prev", "hash") AS (
        SELECT "c", 0::bigint, NULL::text, '${GENESIS_HASH}'::text FROM generate_series(1, ${chains}) AS "c"
        UNION ALL
        SELECT "chain", "seq" + 1, "hash", encode(sha256(convert_to(
          "hash" || E'\\n' || "chain" || E'\\n' || ("seq" + 1) || E'\\n3\\ninv-' || "chain" || '-' || ("seq" + 1)
          || E'\\n2026-01-01T00:00:00.000000Z\\nt\\n200\\n' || ${bodySql(`"chain"`, `("seq" + 1)`)}, 'UTF8')), 'hex')
        FROM "r" WHERE "seq" < ${perChain})
      INSERT INTO "fascia_audit" ("chain", "seq", "hash_version", "invocation_id", "at", "tool", "status", "body", "prev_hash", "hash")
      SELECT "chain", "seq", 3, 'inv-' || "chain" || '-' || "seq", '2026-01-01T00:00:00.000Z', 't', 200, (${bodySql(`"chain"`, `"seq"`)})::json, "prev", "hash"
      FROM "r" WHERE "seq" > 0;
      UPDATE "fascia_audit_head" AS "h" SET "seq" = "a"."seq", "hash" = "a"."hash"
      FROM "fascia_audit" AS "a" WHERE "a"."chain" = "h"."id" AND "a"."seq" = ${perChain};
    `);
    const cli = await runTs("cli/main.ts", ["audit", "verify", "--db", target.url], ["--max-old-space-size=64"]);
    expect(cli.err).toBe("");
    expect(cli.out).toContain(`audit log intact, ${chains * perChain} record(s) on ${chains} of ${AUDIT_CHAINS} chain(s)`);
    expect(cli.code).toBe(0);
  }, 300_000);
});

/** A record's body as canonical JSON (keys sorted, no spaces), in SQL. */
function bodySql(chain: string, seq: string): string {
  return `'{"at":"2026-01-01T00:00:00.000Z","invocationId":"inv-' || ${chain} || '-' || ${seq} || '","outcome":{"status":200},"tool":"t"}'`;
}
