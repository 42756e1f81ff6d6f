/**
 * The audit trail in the database: one hash-chained record per invocation in an append-only
 * table (a trigger refuses UPDATE, DELETE and TRUNCATE, even for the table's owner). Appends are
 * serialized on the chain head row (SELECT … FOR UPDATE, held until the appending transaction
 * ends), so two invocations can never chain onto the same predecessor; the head also records the
 * last seq and hash, so removing records from the end is detected too.
 */
import type { Statement } from "../../database/types";
import type { Queryable } from "../../database/types";
import {
  changedColumns,
  GENESIS_HASH,
  HASH_VERSION,
  HASHED_COLUMNS,
  RELINKED,
  auditTimestamp,
  hashedText,
  hashRecordV1,
  removedBefore,
  sha256,
  storableBody,
  type AuditBody,
  type AuditRecord,
  type ChainBreak,
  type HashedColumns,
} from "../audit/audit-chain";
import { canonicalJson } from "../../contracts/canonical-json";
import { AUDIT_HEAD_TABLE, AUDIT_TABLE } from "./executor-schema";

/** A timestamptz as the hash reads it (auditTimestamp in Node): UTC, microseconds, whatever the session's time zone. */
const atText = (timestamp: string) => `to_char(${timestamp} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Each hashed column as the APPEND has it: the head's hash and seq, the statement's parameters. */
const APPENDED: Record<(typeof HASHED_COLUMNS)[number], string> = {
  prevHash: `"hash"`,
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
 * One statement: lock the chain head, insert the record chained onto it, move the head. The hash
 * is computed by PostgreSQL (sha256 over exactly the text hashRecord hashes: HASHED_COLUMNS), so
 * nothing has to come back to Node between reading the head and writing it: the head is every
 * writing invocation's serialization point, so its hold time bounds throughput. Without a head row
 * the record's seq is null and the insert fails, so the statement can travel with its COMMIT
 * (commitWith) unread: it either appends or aborts the transaction.
 */
const APPEND = `WITH "head" AS (SELECT "seq", "hash" FROM "${AUDIT_HEAD_TABLE}" WHERE "id" = 1 FOR UPDATE),
"appended" AS (
  INSERT INTO "${AUDIT_TABLE}" ("seq", "hash_version", "invocation_id", "at", "tool", "status", "body", "prev_hash", "hash")
  SELECT "seq" + 1, ${HASH_VERSION}, $1::text, $2::timestamptz, $3::text, $4::integer, $5::json, "hash",
         encode(sha256(convert_to(${HASHED_TEXT_SQL}, 'UTF8')), 'hex')
  FROM (VALUES (1)) AS "one" LEFT JOIN "head" ON true
  RETURNING "seq", "prev_hash", "hash")
UPDATE "${AUDIT_HEAD_TABLE}" SET "seq" = "appended"."seq", "hash" = "appended"."hash" FROM "appended" WHERE "${AUDIT_HEAD_TABLE}"."id" = 1
RETURNING "appended"."seq", "appended"."prev_hash" AS "prevHash", "appended"."hash"`;

/**
 * The append of `body`'s record, as the last statement of the transaction that commits the
 * invocation's writes. The body is made storable here (storableBody: no NUL), once, before it is
 * both hashed and stored.
 */
export function auditAppend(body: AuditBody): Statement {
  return appendOf(storableBody(body));
}

/** `json` is the body's canonical JSON (storableBody): stored as the record's body and hashed as it is. */
function appendOf({ body, json }: { body: AuditBody; json: string }): Statement {
  return { text: APPEND, values: [body.invocationId, body.at, body.tool, body.outcome.status, json] };
}

/** Appends on its own: one statement is its own transaction (replays and aggregates, which write nothing else). */
export async function appendAuditAlone(conn: Queryable, body: AuditBody): Promise<AuditRecord> {
  const stored = storableBody(body);
  const { text, values } = appendOf(stored);
  const { rows } = await conn.query<{ seq: string | number; prevHash: string; hash: string }>(text, values);
  const appended = rows[0]!;
  return { ...stored.body, seq: Number(appended.seq), prevHash: appended.prevHash, hash: appended.hash, hashVersion: HASH_VERSION };
}

export interface AuditVerification {
  records: number;
  head: { seq: number; hash: string };
  broken?: ChainBreak;
  /** How many intact records each hash version has (set when the whole chain holds): did migration 0003 take? */
  hashVersions?: Record<number, number>;
}

interface StoredRow {
  seq: string | number;
  hash_version: number;
  invocation_id: string;
  /** As atText writes it. */
  at: string;
  tool: string;
  status: number;
  body: unknown;
  prev_hash: string;
  hash: string;
}

const STORED_ROWS = `SELECT "seq", "hash_version", "invocation_id", ${atText(`"at"`)} AS "at", "tool", "status", "body", "prev_hash", "hash"
FROM "${AUDIT_TABLE}" WHERE "seq" > $1 AND "seq" <= $3 ORDER BY "seq" LIMIT $2`;

/** Records `from`..`to` (seqs, inclusive); either end absent: the chain's. */
export interface ChainRange {
  from?: number;
  to?: number;
}

/**
 * Walks the chain in seq order, in batches; the first broken record, if any. Every record is
 * recomputed from its columns as stored (not from the copies in its body), by its own hash version.
 * A range that starts after record 1 is anchored on record from−1's stored hash: that record is
 * trusted, not recomputed (verifying from 1 checks it). The chain head is compared only when the
 * range reaches the table's end, so records removed from the end are found by a check that does.
 */
export async function verifyAuditChain(db: Queryable, batch = 1000, range: ChainRange = {}): Promise<AuditVerification> {
  const from = Math.max(1, range.from ?? 1);
  const to = range.to ?? Number.MAX_SAFE_INTEGER;
  const anchor = await chainAnchor(db, from);
  if ("broken" in anchor) return { records: 0, head: { seq: from - 1, hash: GENESIS_HASH }, broken: anchor.broken };
  let prev = anchor;
  let count = 0;
  const versions: Record<number, number> = {};
  for (;;) {
    const { rows } = await db.query<StoredRow>(STORED_ROWS, [prev.seq, batch, to]);
    for (const row of rows) {
      const seq = Number(row.seq);
      const reason = brokenLink(prev, seq, row) ?? brokenContent(seq, row);
      if (reason) return { records: count, head: prev, broken: { seq, invocationId: row.invocation_id, reason } };
      prev = { seq, hash: row.hash };
      count++;
      versions[row.hash_version] = (versions[row.hash_version] ?? 0) + 1;
    }
    if (rows.length < batch) break;
  }
  const recorded = await chainHead(db);
  if (recorded && recorded.seq <= to && (recorded.seq !== prev.seq || recorded.hash !== prev.hash)) {
    return {
      records: count,
      head: prev,
      broken: {
        seq: recorded.seq,
        invocationId: "(chain head)",
        reason: `the chain head says the last record is #${recorded.seq}, but the table ends at #${prev.seq} (records were removed from the end)`,
      },
    };
  }
  return { records: count, head: prev, hashVersions: versions };
}

/** The chain head row: the last record's seq and hash as the appends left them. */
export async function chainHead(db: Queryable): Promise<{ seq: number; hash: string } | undefined> {
  const { rows } = await db.query<{ seq: string | number; hash: string }>(`SELECT "seq", "hash" FROM "${AUDIT_HEAD_TABLE}" WHERE "id" = 1`);
  const head = rows[0];
  return head ? { seq: Number(head.seq), hash: head.hash } : undefined;
}

/** What record `from` must link to: the genesis hash, or record from−1's stored hash (missing: the chain is broken there). */
async function chainAnchor(db: Queryable, from: number): Promise<{ seq: number; hash: string } | { broken: ChainBreak }> {
  if (from === 1) return { seq: 0, hash: GENESIS_HASH };
  const { rows } = await db.query<{ hash: string }>(`SELECT "hash" FROM "${AUDIT_TABLE}" WHERE "seq" = $1`, [from - 1]);
  if (rows[0]) return { seq: from - 1, hash: rows[0].hash };
  return { broken: { seq: from - 1, invocationId: "(anchor)", reason: `record #${from - 1}, which record #${from} links to, is missing` } };
}

function brokenLink(prev: { seq: number; hash: string }, seq: number, row: StoredRow): string | undefined {
  if (seq !== prev.seq + 1) return removedBefore(prev.seq, seq);
  if (row.prev_hash !== prev.hash) return prev.seq === 0 ? RELINKED : `${RELINKED} (#${prev.seq} was rewritten, or this record's link was)`;
  return undefined;
}

/**
 * Version 2: the hash over the columns. Version 1 hashed the body alone, so there the columns must
 * also equal their copies in the body; for either, the columns that differ from the body's copies
 * are named, to say where the change is.
 */
function brokenContent(seq: number, row: StoredRow): string | undefined {
  const body = (typeof row.body === "string" ? JSON.parse(row.body) : row.body) as AuditBody;
  const columns: HashedColumns = {
    prevHash: row.prev_hash,
    seq: String(seq),
    hashVersion: String(row.hash_version),
    invocationId: row.invocation_id,
    at: row.at,
    tool: row.tool,
    status: String(row.status),
    body: canonicalJson(body),
  };
  const differing = columnsDifferingFromBody(columns, body);
  switch (row.hash_version) {
    case 1:
      return hashRecordV1(row.prev_hash, seq, body) !== row.hash || differing.length ? changedColumns(differing) : undefined;
    case 2:
      return sha256(hashedText(columns)) !== row.hash ? changedColumns(differing) : undefined;
    default:
      return `its hash version ${row.hash_version} is none this executor knows (1 or 2): the record was changed`;
  }
}

function columnsDifferingFromBody(columns: HashedColumns, body: AuditBody): string[] {
  const differing: string[] = [];
  if (columns.invocationId !== body.invocationId) differing.push("invocation_id");
  if (typeof body.at !== "string" || Number.isNaN(Date.parse(body.at)) || columns.at !== auditTimestamp(body.at)) differing.push("at");
  if (columns.tool !== body.tool) differing.push("tool");
  if (columns.status !== String(body.outcome?.status)) differing.push("status");
  return differing;
}

/** Whether the audit table exists (the executor's migrations ran against this database). */
export async function auditTableExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [AUDIT_TABLE]);
  return rows[0]?.found != null;
}

export type { AuditRecord };
