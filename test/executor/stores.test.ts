/**
 * The executor's own tables on PostgreSQL and PGlite: the audit trail refuses changes even from
 * its owner, tampering is found and named (by verifyAuditChain and `fascia audit verify`),
 * concurrent appends never fork a chain (test/executor/audit-log.test.ts has every kind of tampering); idempotency claims expire into a takeover that the
 * first holder cannot overwrite.
 */
import { GENESIS_HASH } from "../../executor/audit/audit-chain";
import { ToolError } from "../../executor/errors/catalogue";
import { appendAuditAlone } from "../../executor/store/audit-store";
import { verifyAuditChain, verifyAuditLog } from "../../executor/store/audit-verify";
import { connectionProvider } from "../../executor/store/connection";
import { applyExecutorMigrations, EXECUTOR_MIGRATIONS, executorMigrationsApplied } from "../../executor/store/executor-schema";
import { claimKey, storeResponse } from "../../executor/store/idempotency-store";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import { describeEachDriver, useTestDatabase } from "../support/databases";
import { confirmBody } from "./support/audit-body";

const body = (i: number) =>
  confirmBody(i, {
    input: { reservationId: `r-${i}`, email: "***" },
    effects: [{ node: "charge", kind: "charge", id: `pi_${i}`, amount: 100 + i }],
  });

describeEachDriver("the executor's stores", (driver) => {
  const database = useTestDatabase(driver);
  const db = () => database.current.db;

  it("creates its tables once, ledgered", async () => {
    expect(await executorMigrationsApplied(db())).toBe(false);
    expect(await applyExecutorMigrations(db())).toEqual(EXECUTOR_MIGRATIONS.map((m) => m.id));
    expect(await applyExecutorMigrations(db())).toEqual([]);
    expect(await executorMigrationsApplied(db())).toBe(true);
  });

  it("appends a chain that verifies, and refuses UPDATE, DELETE and TRUNCATE of it", async () => {
    for (let i = 1; i <= 5; i++) await db().session((conn) => appendAuditAlone(conn, body(i)));
    expect(await verifyAuditChain(db())).toMatchObject({ records: 5, head: { seq: 5 } });
    for (const sql of [
      `UPDATE "fascia_audit" SET "status" = 500`,
      `DELETE FROM "fascia_audit" WHERE "seq" = 5`,
      `TRUNCATE "fascia_audit"`,
    ]) {
      await expect(db().query(sql)).rejects.toMatchObject({ code: "42501", message: expect.stringContaining("append-only") });
    }
    expect(await verifyAuditChain(db())).toMatchObject({ records: 5 });
  });

  it("names the first changed record, and records removed from the end", async () => {
    await db().exec(`ALTER TABLE "fascia_audit" DISABLE TRIGGER USER`);
    try {
      const original = await db().query<{ body: unknown }>(`SELECT "body" FROM "fascia_audit" WHERE "seq" = 3`);
      const changed = { ...body(3), outcome: { status: 500 } };
      await db().query(`UPDATE "fascia_audit" SET "body" = $1 WHERE "seq" = 3`, [JSON.stringify(changed)]);
      expect((await verifyAuditChain(db())).broken).toEqual({
        chain: 1,
        seq: 3,
        invocationId: "inv-3",
        reason: "its content does not match its hash (the record was changed: status differs from the body's copy)",
      });
      if (driver === "pg") {
        const io = capture();
        expect(await runCli(["audit", "verify", "--db", database.current.url], io)).toBe(1);
        expect(io.errors.join("")).toContain("chain 1 is broken at record #3 (invocation inv-3): its content does not match its hash");
      }
      await db().query(`UPDATE "fascia_audit" SET "body" = $1 WHERE "seq" = 3`, [JSON.stringify(original.rows[0]!.body)]);
      expect((await verifyAuditChain(db())).broken).toBeUndefined();
      await db().query(`DELETE FROM "fascia_audit" WHERE "seq" = 5`);
      expect((await verifyAuditChain(db())).broken).toMatchObject({
        seq: 5,
        reason: expect.stringContaining("records were removed from the end"),
      });
    } finally {
      await db().exec(`ALTER TABLE "fascia_audit" ENABLE TRIGGER USER`);
    }
  });

  it("concurrent appends spread over the chains: none forks, none is lost", async () => {
    const fresh = await db().session((conn) => conn.query<{ seq: string }>(`SELECT "seq" FROM "fascia_audit_head" WHERE "id" = 1`));
    const start = Number(fresh.rows[0]!.seq);
    // Rebuild a clean chain first (the previous test removed the tail while triggers were off).
    await db().exec(
      `ALTER TABLE "fascia_audit" DISABLE TRIGGER USER; DELETE FROM "fascia_audit"; UPDATE "fascia_audit_head" SET "seq" = 0, "hash" = '${GENESIS_HASH}'; ALTER TABLE "fascia_audit" ENABLE TRIGGER USER`,
    );
    expect(start).toBeGreaterThan(0);
    // Through the executor's connection provider: a pooled connection each on PostgreSQL, turns on PGlite's one.
    const withConnection = connectionProvider(db());
    await Promise.all(Array.from({ length: 24 }, (_, i) => withConnection((conn) => appendAuditAlone(conn, body(100 + i)))));
    const result = await verifyAuditLog(db());
    expect(result).toMatchObject({ records: 24 });
    expect(result.broken).toBeUndefined();
    // Every record is on a chain, the chains' seqs are gapless (the walk checked it) and add up to all of them.
    expect(result.chains.reduce((n, c) => n + c.head.seq, 0)).toBe(24);
  });

  it("an expired claim is taken over; the first holder can then no longer store its response", async () => {
    const scope = { tool: "t", callerId: "c", key: "k" };
    const first = await db().session((conn) => claimKey(conn, scope, "f", "inv-a", 1));
    expect(first).toEqual({ kind: "claimed", generation: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await db().session((conn) => claimKey(conn, scope, "f", "inv-b", 60_000))).toEqual({ kind: "claimed", generation: 0 });
    const late = await db()
      .session((conn) => storeResponse(conn, scope, "inv-a", 200, {}))
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ToolError);
    expect((late as ToolError).code).toBe("IDEMPOTENCY_IN_FLIGHT");
    await db().session((conn) => storeResponse(conn, scope, "inv-b", 200, { ok: true }));
    expect(await db().session((conn) => claimKey(conn, scope, "f", "inv-c", 60_000))).toEqual({
      kind: "replay",
      status: 200,
      body: { ok: true },
      invocationId: "inv-b",
    });
  });
});

function capture(): CliIO & { errors: string[]; lines: string[] } {
  const errors: string[] = [];
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => errors.push(t), isTTY: false, errors, lines };
}
