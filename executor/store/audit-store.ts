/**
 * The audit trail in the database: one hash-chained record per invocation in an append-only
 * table (a trigger refuses UPDATE, DELETE and TRUNCATE, even for the table's owner). Appends are
 * serialized on the chain head row (SELECT … FOR UPDATE, held until the appending transaction
 * ends), so two invocations can never chain onto the same predecessor; the head also records the
 * last seq and hash, so removing records from the end is detected too.
 */
import type { Statement } from "../../database/types";
import type { Queryable } from "../../database/types";
import { GENESIS_HASH, hashRecord, type AuditBody, type AuditRecord, type ChainBreak } from "../audit/audit-chain";
import { canonicalJson } from "../../contracts/canonical-json";
import { AUDIT_HEAD_TABLE, AUDIT_TABLE } from "./executor-schema";

/**
 * One statement: lock the chain head, insert the record chained onto it, move the head. The hash
 * is computed by PostgreSQL (sha256 over exactly the text hashRecord hashes), so nothing has to
 * come back to Node between reading the head and writing it: the head is every writing
 * invocation's serialization point, so its hold time bounds throughput. Without a head row the
 * record's seq is null and the insert fails, so the statement can travel with its COMMIT
 * (commitWith) unread: it either appends or aborts the transaction.
 */
const APPEND = `WITH "head" AS (SELECT "seq", "hash" FROM "${AUDIT_HEAD_TABLE}" WHERE "id" = 1 FOR UPDATE),
"appended" AS (
  INSERT INTO "${AUDIT_TABLE}" ("seq", "invocation_id", "at", "tool", "status", "body", "prev_hash", "hash")
  SELECT "seq" + 1, $1::text, $2::timestamptz, $3::text, $4::integer, $5::json, "hash",
         encode(sha256(convert_to("hash" || E'\\n' || ("seq" + 1)::text || E'\\n' || $6::text, 'UTF8')), 'hex')
  FROM (VALUES (1)) AS "one" LEFT JOIN "head" ON true
  RETURNING "seq", "prev_hash", "hash")
UPDATE "${AUDIT_HEAD_TABLE}" SET "seq" = "appended"."seq", "hash" = "appended"."hash" FROM "appended" WHERE "${AUDIT_HEAD_TABLE}"."id" = 1
RETURNING "appended"."seq", "appended"."prev_hash" AS "prevHash", "appended"."hash"`;

/** The append of `body`'s record, as the last statement of the transaction that commits the invocation's writes. */
export function auditAppend(body: AuditBody): Statement {
  return { text: APPEND, values: [body.invocationId, body.at, body.tool, body.outcome.status, JSON.stringify(body), canonicalJson(body)] };
}

/** Appends on its own: one statement is its own transaction (replays, which write nothing else). */
export async function appendAuditAlone(conn: Queryable, body: AuditBody): Promise<AuditRecord> {
  const { text, values } = auditAppend(body);
  const { rows } = await conn.query<{ seq: string | number; prevHash: string; hash: string }>(text, values);
  const appended = rows[0]!;
  return { ...body, seq: Number(appended.seq), prevHash: appended.prevHash, hash: appended.hash };
}

export interface AuditVerification {
  records: number;
  head: { seq: number; hash: string };
  broken?: ChainBreak;
}

/** Walks the whole chain in seq order, in batches; the first broken record, if any. */
export async function verifyAuditChain(db: Queryable, batch = 1000): Promise<AuditVerification> {
  let prev = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  for (;;) {
    const { rows } = await db.query<{ seq: string | number; invocation_id: string; body: unknown; prev_hash: string; hash: string }>(
      `SELECT "seq", "invocation_id", "body", "prev_hash", "hash" FROM "${AUDIT_TABLE}" WHERE "seq" > $1 ORDER BY "seq" LIMIT $2`,
      [prev.seq, batch],
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      const body = (typeof row.body === "string" ? JSON.parse(row.body) : row.body) as AuditBody;
      const at = { seq, invocationId: row.invocation_id };
      if (seq !== prev.seq + 1)
        return {
          records: count,
          head: prev,
          broken: { ...at, reason: `sequence jumps from ${prev.seq} to ${seq} (a record was removed)` },
        };
      if (row.prev_hash !== prev.hash)
        return { records: count, head: prev, broken: { ...at, reason: "its previous-hash does not match the record before it" } };
      if (body.invocationId !== row.invocation_id || hashRecord(row.prev_hash, seq, body) !== row.hash) {
        return { records: count, head: prev, broken: { ...at, reason: "its content does not match its hash (the record was changed)" } };
      }
      prev = { seq, hash: row.hash };
      count++;
    }
    if (rows.length < batch) break;
  }
  const head = await db.query<{ seq: string | number; hash: string }>(`SELECT "seq", "hash" FROM "${AUDIT_HEAD_TABLE}" WHERE "id" = 1`);
  const recorded = head.rows[0];
  if (recorded && (Number(recorded.seq) !== prev.seq || recorded.hash !== prev.hash)) {
    return {
      records: count,
      head: prev,
      broken: {
        seq: Number(recorded.seq),
        invocationId: "(chain head)",
        reason: `the chain head says the last record is #${recorded.seq}, but the table ends at #${prev.seq} (records were removed from the end)`,
      },
    };
  }
  return { records: count, head: prev };
}

/** Whether the audit table exists (the executor's migrations ran against this database). */
export async function auditTableExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [AUDIT_TABLE]);
  return rows[0]?.found != null;
}

export type { AuditRecord };
