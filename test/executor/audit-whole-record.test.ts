/**
 * The audit record is whole (issue 12, part 3), on PostgreSQL and PGlite: every column is under
 * the hash, computed by PostgreSQL in the APPEND and recomputed in Node from the columns as
 * stored, so an edit of any one column of a middle record — status, tool, at, invocation_id, body,
 * hash_version, prev_hash — is found and named; records hashed before migration 0003 (version 1)
 * still verify, with their columns held to their body's copies; and a NUL character in a body is
 * stored as a stand-in PostgreSQL can query.
 */
import {
  CHANGED,
  GENESIS_HASH,
  HASHED_COLUMNS,
  NUL_STAND_IN,
  chainRecord,
  hashRecord,
  hashRecordV1,
  sha256,
  verifyChain,
  type AuditBody,
  type AuditRecord,
} from "../../executor/audit/audit-chain";
import { canonicalJson } from "../../contracts/canonical-json";
import { appendAuditAlone } from "../../executor/store/audit-store";
import { verifyAuditChain, verifyAuditLog } from "../../executor/store/audit-verify";
import { applyExecutorMigrations, EXECUTOR_LEDGER, EXECUTOR_MIGRATIONS } from "../../executor/store/executor-schema";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import { describeEachDriver, useTestDatabase } from "../support/databases";
import { startHarness } from "./support/harness";
import { asOwner } from "./support/tamper";

const body = (i: number, over: Partial<AuditBody> = {}): AuditBody => ({
  invocationId: `inv-${i}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i, 123)).toISOString(),
  tool: i % 2 ? "paymentWebhook" : "confirmReservation",
  trigger: i % 2 ? "webhook" : "http",
  callerId: i % 2 ? null : "c1",
  callerRoles: i % 2 ? [] : ["customer"],
  input: { reservationId: `r-${i}` },
  inputDigest: sha256(`r-${i}`),
  rowsChanged: [],
  effects: [],
  compensations: [],
  outcome: i % 2 ? { status: 401, code: "UNAUTHENTICATED" } : { status: 200 },
  durationMs: 3,
  ...over,
});

/** The APPEND of the executor before migration 0005 (one chain, hash version 2), as it was released. */
const PREVIOUS_APPEND = `WITH "head" AS (SELECT "seq", "hash" FROM "fascia_audit_head" WHERE "id" = 1 FOR UPDATE),
"appended" AS (
  INSERT INTO "fascia_audit" ("seq", "hash_version", "invocation_id", "at", "tool", "status", "body", "prev_hash", "hash")
  SELECT "seq" + 1, 2, $1::text, $2::timestamptz, $3::text, $4::integer, $5::json, "hash",
         encode(sha256(convert_to("hash" || E'\\n' || ("seq" + 1)::text || E'\\n' || '2' || E'\\n' || $1::text || E'\\n' || to_char($2::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || E'\\n' || $3::text || E'\\n' || $4::integer::text || E'\\n' || $5::text, 'UTF8')), 'hex')
  FROM (VALUES (1)) AS "one" LEFT JOIN "head" ON true
  RETURNING "seq", "prev_hash", "hash")
UPDATE "fascia_audit_head" SET "seq" = "appended"."seq", "hash" = "appended"."hash" FROM "appended" WHERE "fascia_audit_head"."id" = 1
RETURNING "appended"."seq", "appended"."prev_hash" AS "prevHash", "appended"."hash"`;

describeEachDriver("the whole audit record under its hash", (driver) => {
  const database = useTestDatabase(driver);
  const db = () => database.current.db;
  const appended: AuditRecord[] = [];

  beforeAll(async () => {
    await applyExecutorMigrations(db());
    for (let i = 1; i <= 5; i++) appended.push(await db().session((conn) => appendAuditAlone(conn, body(i))));
  });

  it("PostgreSQL's hash is Node's hash, both ways: the APPEND's hash is hashRecord's, and a chain hashed in Node verifies over the columns", async () => {
    let prev = GENESIS_HASH;
    for (const record of appended) {
      expect(record).toMatchObject({ chain: 1, prevHash: prev, hashVersion: 3 });
      expect(record.hash).toBe(hashRecord(prev, record.seq, body(record.seq)));
      prev = record.hash;
    }
    const inNode: AuditRecord[] = [];
    for (let i = 1; i <= 5; i++) inNode.push(chainRecord(inNode.at(-1), body(i)));
    expect(inNode.map((r) => r.hash)).toEqual(appended.map((r) => r.hash));
    expect(verifyChain(inNode)).toBeUndefined();
    expect(await verifyAuditChain(db())).toEqual({
      chain: 1,
      records: 5,
      head: { seq: 5, hash: appended[4]!.hash },
      hashVersions: { 3: 5 },
    });
    const { rows } = await db().query<{ hash_version: number }>(`SELECT "hash_version" FROM "fascia_audit" ORDER BY "seq"`);
    expect(rows.map((r) => r.hash_version)).toEqual([3, 3, 3, 3, 3]);
    expect(HASHED_COLUMNS).toEqual(["prevHash", "chain", "seq", "hashVersion", "invocationId", "at", "tool", "status", "body"]);
  });

  // A 401 of paymentWebhook (#3) rewritten, one column at a time.
  const edits: [string, string, string][] = [
    ["status", `"status" = 200`, CHANGED.slice(0, -1) + ": status differs from the body's copy)"],
    ["tool", `"tool" = 'createRoom'`, CHANGED.slice(0, -1) + ": tool differs from the body's copy)"],
    ["at", `"at" = "at" + interval '1 microsecond'`, CHANGED.slice(0, -1) + ": at differs from the body's copy)"],
    ["invocation_id", `"invocation_id" = 'inv-forged'`, CHANGED.slice(0, -1) + ": invocation_id differs from the body's copy)"],
    ["body", `"body" = json_build_object('forged', true)`, expect.stringContaining(CHANGED.slice(0, -1))],
    ["body (a field with no column)", `"body" = replace("body"::text, '"durationMs":3', '"durationMs":4')::json`, CHANGED],
    ["hash_version", `"hash_version" = 1`, CHANGED],
    [
      "prev_hash",
      `"prev_hash" = '${"f".repeat(64)}'`,
      "its previous-hash does not match the record before it (#2 was rewritten, or this record's link was)",
    ],
  ];
  it.each(edits)("an edit of %s on a middle record is found, and names that record", async (_column, set, reason) => {
    const broken = await asOwner(
      db(),
      `UPDATE "fascia_audit" SET ${set} WHERE "seq" = 3`,
      async (conn) => (await verifyAuditChain(conn)).broken,
    );
    expect(broken).toEqual({ chain: 1, seq: 3, invocationId: expect.stringMatching(/^inv-(3|forged)$/), reason });
  });

  it("a middle record rewritten whole, its hash recomputed, breaks the link of the next one", async () => {
    const forged = body(3, { tool: "createRoom", outcome: { status: 200 } });
    const hash = hashRecord(appended[1]!.hash, 3, forged);
    const broken = await asOwner(
      db(),
      `UPDATE "fascia_audit" SET "tool" = 'createRoom', "status" = 200, "body" = '${JSON.stringify(forged)}', "hash" = '${hash}' WHERE "seq" = 3`,
      async (conn) => (await verifyAuditChain(conn)).broken,
    );
    expect(broken).toEqual({
      chain: 1,
      seq: 4,
      invocationId: "inv-4",
      reason: "its previous-hash does not match the record before it (#3 was rewritten, or this record's link was)",
    });
  });

  it("`fascia audit verify` names the first broken record", async () => {
    if (driver !== "pg") return; // a PGlite in memory is this process's alone
    await db().exec(`ALTER TABLE "fascia_audit" DISABLE TRIGGER USER`);
    try {
      await db().query(`UPDATE "fascia_audit" SET "status" = 200 WHERE "seq" = 3`);
      const io = capture();
      expect(await runCli(["audit", "verify", "--db", database.current.url], io)).toBe(1);
      expect(io.errors.join("\n")).toContain(
        "chain 1 is broken at record #3 (invocation inv-3): its content does not match its hash (the record was changed: status differs",
      );
      await db().query(`UPDATE "fascia_audit" SET "status" = 401 WHERE "seq" = 3`);
      const intact = capture();
      expect(await runCli(["audit", "verify", "--db", database.current.url], intact)).toBe(0);
      expect(intact.lines.join("\n")).toMatch(
        /audit log intact, \d+ record\(s\) on 1 of 16 chain\(s\) \(\d+ of hash version 3\)\.\nNo checkpoint yet\./,
      );
    } finally {
      await db().exec(`ALTER TABLE "fascia_audit" ENABLE TRIGGER USER`);
    }
  });

  it("stores a NUL character as the stand-in, so body->> queries work and the chain verifies", async () => {
    const nul = body(6, {
      callerId: "mal\u0000lory",
      callerRoles: ["a\u0000b"],
      input: { "na\u0000me": "x\u0000y", nested: [{ "\u0000": "\u0000" }] },
      compensations: [{ node: "refund", kind: "refund", id: "re_1", ok: false, error: "provider said \u0000" }],
    });
    const record = await db().session((conn) => appendAuditAlone(conn, nul));
    expect(record.callerId).toBe(`mal${NUL_STAND_IN}lory`);
    const tools = await db().query<{ tool: string }>(`SELECT "body"->>'tool' AS "tool" FROM "fascia_audit" ORDER BY "seq"`);
    expect(tools.rows.at(-1)!.tool).toBe("confirmReservation");
    const read = await db().query<{ name: string; caller: string; error: string; inner: string }>(
      `SELECT "body"->'input'->>'na${NUL_STAND_IN}me' AS "name", "body"->>'callerId' AS "caller",
              "body"->'compensations'->0->>'error' AS "error", "body"->'input'->'nested'->0->>'${NUL_STAND_IN}' AS "inner"
       FROM "fascia_audit" WHERE "seq" = 6`,
    );
    expect(read.rows[0]).toEqual({
      name: `x${NUL_STAND_IN}y`,
      caller: `mal${NUL_STAND_IN}lory`,
      error: `provider said ${NUL_STAND_IN}`,
      inner: NUL_STAND_IN,
    });
    const raw = await db().query<{ text: string }>(`SELECT "body"::text AS "text" FROM "fascia_audit" WHERE "seq" = 6`);
    expect(raw.rows[0]!.text).not.toContain("\\u0000");
    expect((await verifyAuditChain(db())).broken).toBeUndefined();
  });
});

describeEachDriver("an audit trail from before migration 0003", (driver) => {
  const database = useTestDatabase(driver);
  const db = () => database.current.db;

  it("migrates forward: version-1 records still verify, new ones are version 3, an edit of either is found", async () => {
    // The database as 0001 left it, with records hashed the old way.
    const first = EXECUTOR_MIGRATIONS[0]!;
    await db().exec(first.sql);
    await db().exec(
      `CREATE TABLE "${EXECUTOR_LEDGER}" ("id" text PRIMARY KEY, "checksum" text NOT NULL, "applied_at" timestamptz NOT NULL DEFAULT now())`,
    );
    await db().query(`INSERT INTO "${EXECUTOR_LEDGER}" ("id", "checksum") VALUES ($1, $2)`, [first.id, sha256(first.sql)]);
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const hash = hashRecordV1(prev, seq, body(seq));
      await db().query(
        `INSERT INTO "fascia_audit" ("seq", "invocation_id", "at", "tool", "status", "body", "prev_hash", "hash") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [seq, `inv-${seq}`, body(seq).at, body(seq).tool, body(seq).outcome.status, canonicalJson(body(seq)), prev, hash],
      );
      prev = hash;
    }
    await db().query(`UPDATE "fascia_audit_head" SET "seq" = 3, "hash" = $1`, [prev]);

    expect(await applyExecutorMigrations(db())).toEqual([
      "0002_outbox",
      "0003_audit_whole_record",
      "0004_audit_at_index",
      "0005_audit_chains",
      "0006_expect",
    ]);
    for (let i = 4; i <= 5; i++) await db().session((conn) => appendAuditAlone(conn, body(i)));
    // An executor of the version before 0005, still serving during a rollout, appends with its own statement: chain 1 goes on.
    await db().query(PREVIOUS_APPEND, [body(6).invocationId, body(6).at, body(6).tool, body(6).outcome.status, canonicalJson(body(6))]);
    await db().session((conn) => appendAuditAlone(conn, body(7)));
    const { rows } = await db().query<{ hash_version: number; chain: number }>(
      `SELECT "hash_version", "chain" FROM "fascia_audit" ORDER BY "seq"`,
    );
    expect(rows.map((r) => r.hash_version)).toEqual([1, 1, 1, 3, 3, 2, 3]);
    expect(rows.every((r) => r.chain === 1)).toBe(true);
    expect(await verifyAuditChain(db())).toMatchObject({ records: 7, head: { seq: 7 }, hashVersions: { 1: 3, 2: 1, 3: 3 } });
    expect((await verifyAuditLog(db())).broken).toBeUndefined();

    // Version 1 hashed only the body: its columns are held to the body's copies.
    for (const [set, reason] of [
      [`"status" = 500`, "status differs"],
      [`"tool" = 'createRoom'`, "tool differs"],
      [`"at" = "at" + interval '1 microsecond'`, "at differs"],
      [`"invocation_id" = 'inv-forged'`, "invocation_id differs"],
      [`"hash_version" = 2`, "the record was changed"],
    ] as const) {
      const broken = await asOwner(
        db(),
        `UPDATE "fascia_audit" SET ${set} WHERE "seq" = 2`,
        async (conn) => (await verifyAuditChain(conn)).broken,
      );
      expect(broken).toMatchObject({ seq: 2, reason: expect.stringContaining(reason) });
    }
    const downgraded = await asOwner(
      db(),
      `UPDATE "fascia_audit" SET "hash_version" = 1 WHERE "seq" = 4`,
      async (conn) => (await verifyAuditChain(conn)).broken,
    );
    expect(downgraded).toEqual({ chain: 1, seq: 4, invocationId: "inv-4", reason: CHANGED });
    for (const [seq, version] of [
      [4, 2],
      [6, 3],
    ] as const) {
      const relabelled = await asOwner(
        db(),
        `UPDATE "fascia_audit" SET "hash_version" = ${version} WHERE "seq" = ${seq}`,
        async (conn) => (await verifyAuditChain(conn)).broken,
      );
      expect(relabelled).toEqual({ chain: 1, seq, invocationId: `inv-${seq}`, reason: CHANGED });
    }
  });
});

describeEachDriver("a NUL through the server", (driver) => {
  it("a caller id with NUL from a token reaches the audit record as the stand-in, and the table stays queryable", async () => {
    const h = await startHarness(driver);
    try {
      const token = await h.token("mal\u0000lory", ["cust\u0000omer"]);
      const refused = await h.server.inject({
        method: "POST",
        url: "/rooms",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        payload: { number: "101", capacity: 2, nightlyRate: "99.00" },
      });
      expect(refused.statusCode).toBe(403);
      const { rows } = await h.test.db.query<{ tool: string; caller: string; role: string }>(
        `SELECT "body"->>'tool' AS "tool", "body"->>'callerId' AS "caller", "body"->'callerRoles'->>0 AS "role"
         FROM "fascia_audit" WHERE "invocation_id" = $1`,
        [refused.headers["x-fascia-invocation-id"]],
      );
      expect(rows).toEqual([{ tool: "createRoom", caller: `mal${NUL_STAND_IN}lory`, role: `cust${NUL_STAND_IN}omer` }]);
      expect((await verifyAuditLog(h.test.db)).broken).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});

function capture(): CliIO & { errors: string[]; lines: string[] } {
  const errors: string[] = [];
  const lines: string[] = [];
  return { out: (t) => lines.push(t), err: (t) => errors.push(t), isTTY: false, errors, lines };
}
