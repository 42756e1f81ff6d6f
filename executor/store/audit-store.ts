/**
 * The audit trail in the database: one hash-chained record per invocation in an append-only
 * table (a trigger refuses UPDATE, DELETE and TRUNCATE, even for the table's owner). The log is
 * several chains (AUDIT_CHAINS; migration 0005): an append takes whichever chain's head row is
 * free (SELECT … FOR UPDATE SKIP LOCKED, held until the appending transaction ends), so two
 * invocations never chain onto the same predecessor and never wait for each other while a chain
 * is free. Each head also records its chain's last seq and hash, so removing records from a
 * chain's end is detected too; checkpoints (checkpoint-store.ts) anchor every head at intervals.
 * Verification is audit-verify.ts.
 */
import { runStatement, type Queryable, type Statement } from "../../database/types";
import { HASH_VERSION, HASHED_COLUMNS, storableBody, type AuditBody, type AuditRecord } from "../audit/audit-chain";
import type { ChainHead } from "../audit/checkpoint";
import { AUDIT_HEAD_TABLE, AUDIT_POSITION, AUDIT_TABLE } from "./executor-schema";

/** A timestamptz as the hash reads it (auditTimestamp in Node): UTC, microseconds, whatever the session's time zone. */
export const atText = (timestamp: string) => `to_char(${timestamp} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Each hashed column as the APPEND has it: the taken head's chain, hash and seq, the statement's parameters. */
const APPENDED: Record<(typeof HASHED_COLUMNS)[number], string> = {
  prevHash: `"hash"`,
  chain: `"id"::text`,
  seq: `("seq" + 1)::text`,
  hashVersion: `'${HASH_VERSION}'`,
  invocationId: `$1::text`,
  at: atText(`$2::timestamptz`),
  tool: `$3::text`,
  status: `$4::integer::text`,
  body: `$5::text`,
};
const HASHED_TEXT_SQL = HASHED_COLUMNS.map((column) => APPENDED[column]).join(` || E'\\n' || `);

/**
 * One statement: take a chain head, insert the record chained onto it, move the head. The head is
 * the first one no other transaction holds ("free": SKIP LOCKED); only when every chain is busy
 * does the append wait, for a random one ("busy", evaluated only then: a CTE runs as far as its
 * reader pulls, and the LIMIT stops pulling after the free head). The hash is computed by
 * PostgreSQL (sha256 over exactly the text hashRecord hashes: HASHED_COLUMNS), so nothing has to
 * come back to Node between taking the head and moving it. Without a head row the record's chain
 * is null and the insert fails, so the statement can travel with its COMMIT (commitWith) unread:
 * it either appends or aborts the transaction.
 */
const APPEND = `WITH "free" AS (SELECT "id", "seq", "hash" FROM "${AUDIT_HEAD_TABLE}" ORDER BY "id" LIMIT 1 FOR UPDATE SKIP LOCKED),
"busy" AS (SELECT "id", "seq", "hash" FROM "${AUDIT_HEAD_TABLE}" ORDER BY random() LIMIT 1 FOR UPDATE),
"head" AS (SELECT * FROM "free" UNION ALL SELECT * FROM "busy" LIMIT 1),
"appended" AS (
  INSERT INTO "${AUDIT_TABLE}" ("chain", "seq", "hash_version", "invocation_id", "at", "tool", "status", "body", "prev_hash", "hash")
  SELECT "id", "seq" + 1, ${HASH_VERSION}, $1::text, $2::timestamptz, $3::text, $4::integer, $5::json, "hash",
         encode(sha256(convert_to(${HASHED_TEXT_SQL}, 'UTF8')), 'hex')
  FROM (VALUES (1)) AS "one" LEFT JOIN "head" ON true
  RETURNING "chain", "seq", "prev_hash", "hash")
UPDATE "${AUDIT_HEAD_TABLE}" SET "seq" = "appended"."seq", "hash" = "appended"."hash" FROM "appended" WHERE "${AUDIT_HEAD_TABLE}"."id" = "appended"."chain"
RETURNING "appended"."chain", "appended"."seq", "appended"."prev_hash" AS "prevHash", "appended"."hash"`;

/**
 * The append of `body`'s record, as the last statement of the transaction that commits the
 * invocation's writes. The body is made storable here (storableBody: no NUL), once, before it is
 * both hashed and stored.
 */
export function auditAppend(body: AuditBody): Statement {
  return appendOf(storableBody(body));
}

/**
 * `json` is the body's canonical JSON (storableBody): stored as the record's body and hashed as it
 * is. Prepared: one fixed text, run by every invocation, whose planning is most of its cost.
 */
function appendOf({ body, json }: { body: AuditBody; json: string }): Statement {
  return { text: APPEND, values: [body.invocationId, body.at, body.tool, body.outcome.status, json], prepare: true };
}

/** Appends on its own: one statement is its own transaction (replays and aggregates, which write nothing else). */
export async function appendAuditAlone(conn: Queryable, body: AuditBody): Promise<AuditRecord> {
  const stored = storableBody(body);
  const { rows } = await runStatement<{ chain: number; seq: string | number; prevHash: string; hash: string }>(conn, appendOf(stored));
  const appended = rows[0]!;
  return {
    ...stored.body,
    chain: Number(appended.chain),
    seq: Number(appended.seq),
    prevHash: appended.prevHash,
    hash: appended.hash,
    hashVersion: HASH_VERSION,
  };
}

/** Every chain's head row, ordered by chain: each chain's last seq and hash as the appends left them. */
export async function chainHeads(db: Queryable): Promise<ChainHead[]> {
  const { rows } = await db.query<{ id: number; seq: string | number; hash: string }>(
    `SELECT "id", "seq", "hash" FROM "${AUDIT_HEAD_TABLE}" ORDER BY "id"`,
  );
  return rows.map((r) => ({ chain: Number(r.id), seq: Number(r.seq), hash: r.hash }));
}

/** The newest record's place in the log across chains (0: none): what a live list asks for records after. */
export async function logPosition(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ pos: string | number | null }>(`SELECT max(${AUDIT_POSITION}) AS "pos" FROM "${AUDIT_TABLE}"`);
  return Number(rows[0]?.pos ?? 0);
}

/** Whether the audit table exists (the executor's migrations ran against this database). */
export async function auditTableExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [AUDIT_TABLE]);
  return rows[0]?.found != null;
}

export type { AuditRecord };
