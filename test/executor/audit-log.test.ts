/**
 * The audit log's guarantees, on PostgreSQL and PGlite: every way its owner can tamper with it is
 * found and named — a record altered, deleted, reordered or inserted in any chain; records removed
 * from a chain's end; a chain cut back behind its checkpoint, head row and all; a chain re-hashed
 * after a changed record; and, with a witness, checkpoints rewritten or removed to match. What
 * rests on the database alone — records after the newest checkpoint — is shown too.
 */
import { chainRecord, GENESIS_HASH, type AuditBody, type AuditRecord } from "../../executor/audit/audit-chain";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextCheckpoint, type Checkpoint } from "../../executor/audit/checkpoint";
import { DirectoryWitness } from "../../executor/audit/directory-witness";
import { runCli } from "../../cli/main";
import type { Queryable } from "../../database/types";
import { appendAuditAlone, chainHeads } from "../../executor/store/audit-store";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { insertCheckpoint, readCheckpoints, takeCheckpoint } from "../../executor/store/checkpoint-store";
import { startCheckpointer } from "../../executor/store/checkpointer";
import { connectionProvider } from "../../executor/store/connection";
import { applyExecutorMigrations } from "../../executor/store/executor-schema";
import { describeEachDriver, useTestDatabase } from "../support/databases";
import { asOwner } from "./support/tamper";
import { confirmBody } from "./support/audit-body";

const body = (i: number) => confirmBody(i, { rowsChanged: [], durationMs: 4 });

describeEachDriver("the audit log's tamper evidence", (driver) => {
  const database = useTestDatabase(driver);
  const db = () => database.current.db;
  const witnessDir = mkdtempSync(join(tmpdir(), "fascia-witness-"));
  const witness = new DirectoryWitness(witnessDir);
  afterAll(() => rmSync(witnessDir, { recursive: true, force: true }));
  /** The chain the cases tamper with: one with records before and after both checkpoints. */
  let chain = 1;
  let length = 0;

  beforeAll(async () => {
    await applyExecutorMigrations(db());
    const withConnection = connectionProvider(db());
    const append = (from: number, count: number) =>
      Promise.all(Array.from({ length: count }, (_, i) => withConnection((conn) => appendAuditAlone(conn, body(from + i)))));
    // Side by side: on PostgreSQL they spread over several chains; PGlite's one connection takes turns, on chain 1.
    const checkpointer = startCheckpointer({ intervalMs: 3_600_000, witness }, withConnection, console);
    await append(1, 24);
    expect((await checkpointer.tick())?.id).toBe(1);
    await append(25, 24);
    await checkpointer.stop();
    await append(49, 6);
    const heads = await chainHeads(db());
    const busiest = heads.reduce((a, b) => (b.seq > a.seq ? b : a));
    chain = busiest.chain;
    length = busiest.seq;
    expect(length).toBeGreaterThanOrEqual(6);
  });

  const verify = (conn: Queryable) => verifyAuditLog(conn, { witness });

  it("holds as appended: every chain, both checkpoints, the witness's copies", async () => {
    const result = await verify(db());
    expect(result.broken).toBeUndefined();
    expect(result).toMatchObject({ records: 54, checkpoints: { count: 2 }, witness: { label: witness.label, checkpoints: 2 } });
    if (driver === "pg") expect(result.chains.filter((c) => c.records > 0).length).toBeGreaterThan(1);
  });

  it("an altered record breaks its hash", async () => {
    const broken = (await asOwner(db(), `UPDATE "fascia_audit" SET "status" = 500 WHERE "chain" = ${chain} AND "seq" = 2`, verify)).broken;
    expect(broken).toMatchObject({ chain, seq: 2, reason: expect.stringContaining("does not match its hash") });
  });

  it("a deleted record breaks the sequence", async () => {
    const broken = (await asOwner(db(), `DELETE FROM "fascia_audit" WHERE "chain" = ${chain} AND "seq" = 3`, verify)).broken;
    expect(broken).toMatchObject({ chain, seq: 4, reason: "sequence jumps from 2 to 4 (a record was removed)" });
  });

  it("two records swapped break the links", async () => {
    const swap = (a: number, b: number) =>
      `UPDATE "fascia_audit" SET "seq" = -1 WHERE "chain" = ${chain} AND "seq" = ${a};
       UPDATE "fascia_audit" SET "seq" = ${a} WHERE "chain" = ${chain} AND "seq" = ${b};
       UPDATE "fascia_audit" SET "seq" = ${b} WHERE "chain" = ${chain} AND "seq" = -1;`;
    const broken = (await asOwner(db(), swap(3, 4), verify)).broken;
    expect(broken).toMatchObject({ chain, seq: 3, reason: expect.stringContaining("previous-hash does not match") });
  });

  it("a record inserted in the middle, hashed onto the one before, breaks the link of the next", async () => {
    const broken = (
      await asOwner(db(), "", async (conn) => {
        const before = await recordsOf(conn, chain, 2, 2);
        const forged = chainRecord({ seq: 2, hash: before[0]!.hash }, { ...body(999), callerId: "mallory" }, chain);
        await conn.exec(
          `UPDATE "fascia_audit" SET "seq" = -"seq" - 1 WHERE "chain" = ${chain} AND "seq" >= 3; UPDATE "fascia_audit" SET "seq" = -"seq" WHERE "chain" = ${chain} AND "seq" < 0;`,
        );
        await insertRecord(conn, forged);
        await conn.query(`UPDATE "fascia_audit_head" SET "seq" = "seq" + 1 WHERE "id" = $1`, [chain]);
        return verify(conn);
      })
    ).broken;
    expect(broken).toMatchObject({ chain, seq: 4, reason: expect.stringContaining("previous-hash does not match") });
  });

  it("records removed from a chain's end disagree with its head row", async () => {
    const broken = (await asOwner(db(), `DELETE FROM "fascia_audit" WHERE "chain" = ${chain} AND "seq" > ${length - 2}`, verify)).broken;
    expect(broken).toMatchObject({ chain, reason: expect.stringContaining("records were removed from the end") });
  });

  it("a chain's head row deleted is found", async () => {
    const broken = (await asOwner(db(), `DELETE FROM "fascia_audit_head" WHERE "id" = ${chain}`, verify)).broken;
    expect(broken).toMatchObject({ chain, reason: expect.stringContaining("no head row") });
  });

  it("a chain cut back behind its checkpoint, head row moved to match, disagrees with the checkpoint", async () => {
    const broken = (
      await asOwner(db(), "", async (conn) => {
        const [keep] = await recordsOf(conn, chain, 2, 2);
        await conn.query(`DELETE FROM "fascia_audit" WHERE "chain" = $1 AND "seq" > 2`, [chain]);
        await conn.query(`UPDATE "fascia_audit_head" SET "seq" = 2, "hash" = $2 WHERE "id" = $1`, [chain, keep!.hash]);
        return verify(conn);
      })
    ).broken;
    expect(broken).toMatchObject({
      checkpoint: 1,
      reason: expect.stringMatching(new RegExp(`^chain ${chain} was cut back behind this checkpoint`)),
    });
  });

  it("a chain re-hashed after a changed record disagrees with the checkpoint; re-hashed checkpoints too, with the witness", async () => {
    const rehash = async (conn: Queryable) => {
      const records = await recordsOf(conn, chain, 1, length);
      const rewritten: AuditRecord[] = [];
      for (const r of records) {
        const { chain: c, seq, prevHash, hash, hashVersion, ...rest } = r;
        void [c, seq, prevHash, hash, hashVersion];
        const changed = seq === 2 ? { ...rest, callerId: "mallory" } : rest;
        rewritten.push(chainRecord(rewritten.at(-1) ?? { seq: 0, hash: GENESIS_HASH }, changed, chain));
      }
      await conn.query(`DELETE FROM "fascia_audit" WHERE "chain" = $1`, [chain]);
      for (const r of rewritten) await insertRecord(conn, r);
      await conn.query(`UPDATE "fascia_audit_head" SET "hash" = $2 WHERE "id" = $1`, [chain, rewritten.at(-1)!.hash]);
    };
    const rehashed = (await asOwner(db(), "", async (conn) => (await rehash(conn), verifyAuditLog(conn)))).broken;
    expect(rehashed).toMatchObject({ checkpoint: 1, reason: expect.stringContaining("re-hashed") });

    // The owner rewrites the checkpoints as well: the database agrees with itself, only the witness can tell.
    const all = await asOwner(db(), "", async (conn) => {
      await rehash(conn);
      const old = await readCheckpoints(conn, 0, 10);
      await conn.query(`DELETE FROM "fascia_audit_checkpoint"`);
      let prev: Checkpoint | undefined;
      for (const c of old) {
        const heads = c.heads.map((h) => (h.chain === chain ? { ...h, hash: "" } : h));
        for (const h of heads) if (h.chain === chain) h.hash = (await recordsOf(conn, chain, h.seq, h.seq))[0]?.hash ?? GENESIS_HASH;
        prev = nextCheckpoint(prev, heads, c.at);
        await insertCheckpoint(conn, prev);
      }
      return { alone: await verifyAuditLog(conn), witnessed: await verify(conn) };
    });
    expect(all.alone.broken).toBeUndefined();
    expect(all.witnessed.broken).toMatchObject({ checkpoint: 1, reason: expect.stringContaining("differs from the witness's copy") });
  });

  it("the newest checkpoint removed is found by the witness; a gap in the checkpoints by the database alone", async () => {
    const newest = await asOwner(db(), `DELETE FROM "fascia_audit_checkpoint" WHERE "id" = 2`, async (conn) => ({
      alone: await verifyAuditLog(conn),
      witnessed: await verify(conn),
    }));
    expect(newest.alone.broken).toBeUndefined();
    expect(newest.witnessed.broken).toMatchObject({ checkpoint: 2, reason: expect.stringContaining("which the database no longer has") });
    const gap = (await asOwner(db(), `DELETE FROM "fascia_audit_checkpoint" WHERE "id" = 1`, (conn) => verifyAuditLog(conn))).broken;
    expect(gap).toMatchObject({ checkpoint: 2, reason: expect.stringContaining("checkpoint #1 is missing") });
  });

  it("records after the newest checkpoint rest on the database alone: cut with the head moved, nothing disagrees until the next checkpoint", async () => {
    const checkpointed = new Map((await readCheckpoints(db(), 1, 1))[0]!.heads.map((h) => [h.chain, h.seq]));
    const tail = (await chainHeads(db())).find((h) => h.seq > (checkpointed.get(h.chain) ?? 0));
    expect(tail).toBeDefined();
    const result = await asOwner(db(), "", async (conn) => {
      const last = tail!.seq - 1;
      const [keep] = await recordsOf(conn, tail!.chain, last, last);
      await conn.query(`DELETE FROM "fascia_audit" WHERE "chain" = $1 AND "seq" > $2`, [tail!.chain, last]);
      await conn.query(`UPDATE "fascia_audit_head" SET "seq" = $2, "hash" = $3 WHERE "id" = $1`, [tail!.chain, last, keep!.hash]);
      return verify(conn);
    });
    expect(result.broken).toBeUndefined();
  });

  it("checkpoints are taken in turn, not repeated over heads that did not move, and appends to the table are refused to change", async () => {
    await db().session(async (conn) => {
      expect(await takeCheckpoint(conn, new Date())).toMatchObject({ id: 3 });
      expect(await takeCheckpoint(conn, new Date())).toBeUndefined();
    });
    await expect(db().query(`DELETE FROM "fascia_audit_checkpoint" WHERE "id" = 3`)).rejects.toMatchObject({
      code: "42501",
      message: expect.stringContaining("fascia_audit_checkpoint is append-only"),
    });
  });
});

/** A log whose checkpoints were rewritten for good (the previous cases rolled back): `fascia audit verify` with the witness names it. */
describeEachDriver("fascia audit verify with a witness", (driver) => {
  const database = useTestDatabase(driver);
  const witnessDir = mkdtempSync(join(tmpdir(), "fascia-witness-"));
  afterAll(() => rmSync(witnessDir, { recursive: true, force: true }));

  it("says intact, then names the checkpoint the database no longer agrees on", async () => {
    if (driver !== "pg") return; // The CLI opens the database itself; an in-memory PGlite is this process's alone.
    const db = database.current.db;
    await applyExecutorMigrations(db);
    const checkpointer = startCheckpointer(
      { intervalMs: 3_600_000, witness: new DirectoryWitness(witnessDir) },
      connectionProvider(db),
      console,
    );
    for (let i = 1; i <= 5; i++) await db.session((conn) => appendAuditAlone(conn, body(i)));
    await checkpointer.stop();
    const verify = async () => {
      const lines: string[] = [];
      const code = await runCli(["audit", "verify", "--db", database.current.url, "--witness", witnessDir], {
        out: (line: string) => lines.push(line),
        err: (line: string) => lines.push(line),
        isTTY: false,
      });
      return { code, text: lines.join("\n") };
    };
    const intact = await verify();
    expect(intact.text).toContain(`1 checkpoint(s), the newest #1`);
    expect(intact.text).toContain(`The witness ${witnessDir} holds 1 of them, each equal to the database's.`);
    expect(intact.code).toBe(0);
    const [checkpoint] = await readCheckpoints(db, 0, 1);
    const forged = nextCheckpoint(
      undefined,
      checkpoint!.heads.map((h) => ({ ...h, seq: 0, hash: GENESIS_HASH })),
      checkpoint!.at,
    );
    await db.exec(`ALTER TABLE "fascia_audit_checkpoint" DISABLE TRIGGER USER; DELETE FROM "fascia_audit_checkpoint";`);
    await insertCheckpoint(db, forged);
    const rewritten = await verify();
    expect(rewritten.text).toContain("checkpoint #1 does not hold: the database's checkpoint #1 differs from the witness's copy");
    expect(rewritten.code).toBe(1);
  });
});

async function recordsOf(conn: Queryable, chain: number, from: number, to: number): Promise<AuditRecord[]> {
  const { rows } = await conn.query<{ seq: string; hash_version: number; prev_hash: string; hash: string; body: unknown }>(
    `SELECT "seq", "hash_version", "prev_hash", "hash", "body" FROM "fascia_audit" WHERE "chain" = $1 AND "seq" BETWEEN $2 AND $3 ORDER BY "seq"`,
    [chain, from, to],
  );
  return rows.map((r) => ({
    ...((typeof r.body === "string" ? JSON.parse(r.body) : r.body) as AuditBody),
    chain,
    seq: Number(r.seq),
    prevHash: r.prev_hash,
    hash: r.hash,
    hashVersion: r.hash_version as AuditRecord["hashVersion"],
  }));
}

async function insertRecord(conn: Queryable, r: AuditRecord): Promise<void> {
  const { chain, seq, prevHash, hash, hashVersion, ...rest } = r;
  await conn.query(
    `INSERT INTO "fascia_audit" ("chain", "seq", "hash_version", "invocation_id", "at", "tool", "status", "body", "prev_hash", "hash")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [chain, seq, hashVersion, rest.invocationId, rest.at, rest.tool, rest.outcome.status, JSON.stringify(rest), prevHash, hash],
  );
}
