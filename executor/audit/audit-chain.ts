/**
 * The audit trail's tamper evidence: each record's hash covers its own content and the previous
 * record's hash, so changing, removing or reordering any record breaks every hash after it.
 * Pure functions; storing records is the audit store's job.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../contracts/canonical-json";
import type { RecordedInvocation } from "../../contracts/operator-api";
import type { InputFieldSpec } from "../../language/field";
import type { FlowTrace } from "./flow-trace";

export const GENESIS_HASH = "0".repeat(64);
export const MASK = "***";

export interface AuditBody extends RecordedInvocation {
  invocationId: string;
  at: string;
  tool: string;
  trigger: string;
  callerId: string | null;
  outcome: { status: number; code?: string };
  durationMs: number;
  /** Set on an aggregate record (refusal-tally.ts): the refusals of one window, counted. */
  refusals?: RefusalCounts;
  /**
   * What each node of the plan did (flow-trace.ts): on every record of an invocation that reached its
   * tool, none on replays, deliveries and aggregates. Part of the body, so under the hash.
   */
  trace?: FlowTrace;
}

/** What an aggregate record counts: refusals before a caller was known, by tool, status and code, over one window. */
export interface RefusalCounts {
  windowStart: string;
  windowEnd: string;
  counts: { tool: string; status: number; code: string; count: number }[];
}

/**
 * How a record is hashed. 1: the previous hash, seq and the body's canonical JSON (records written
 * before migration 0003, and by an older executor during a rollout: the column's default). 2: every
 * column of the record (HASHED_COLUMNS_V2), the log one chain. 3: every column, the record's chain
 * among them (HASHED_COLUMNS; migration 0005). A record carries its version, and the version is hashed.
 */
export type HashVersion = 1 | 2 | 3;
export const HASH_VERSION: HashVersion = 3;

export interface AuditRecord extends AuditBody {
  /** The chain the record was appended to (1 …); seq counts within it. */
  chain: number;
  seq: number;
  prevHash: string;
  hash: string;
  hashVersion: HashVersion;
}

/**
 * A record's columns as the hash reads them, each as text: `chain`, `seq`, `hashVersion` and
 * `status` in decimal, `at` as UTC with microseconds (auditTimestamp), `body` as canonical JSON.
 */
export interface HashedColumns {
  prevHash: string;
  chain: string;
  seq: string;
  hashVersion: string;
  invocationId: string;
  at: string;
  tool: string;
  status: string;
  body: string;
}

/**
 * The layout of a version-3 record's hashed text: these columns, in this order, joined by "\n".
 * The one definition both sides build from: hashedText here, and the APPEND that PostgreSQL hashes
 * (audit-store.ts), so a record hashed by either verifies on the other. The lines cannot be shifted
 * from one column to the next: chain, seq, version, at and status are fixed-format, the executor's ids and
 * tool names hold no line break, and the body — last — is canonical JSON, which never does.
 */
export const HASHED_COLUMNS = ["prevHash", "chain", "seq", "hashVersion", "invocationId", "at", "tool", "status", "body"] as const;
/** Version 2's layout: the same without the chain (there was one). */
export const HASHED_COLUMNS_V2 = ["prevHash", "seq", "hashVersion", "invocationId", "at", "tool", "status", "body"] as const;

export function hashedText(columns: HashedColumns, version: 2 | 3 = 3): string {
  return (version === 2 ? HASHED_COLUMNS_V2 : HASHED_COLUMNS).map((column) => columns[column]).join("\n");
}

/** The text of a record's `at` in its hash: ISO 8601 UTC with microseconds, as PostgreSQL's to_char writes a timestamptz (AUDIT_AT_TEXT). */
export function auditTimestamp(at: string): string {
  return `${new Date(at).toISOString().slice(0, -1)}000Z`;
}

/** The columns a body is stored under (audit-store.ts APPEND writes them from the same fields). */
export function columnsOf(prevHash: string, seq: number, body: AuditBody, chain = 1): HashedColumns {
  return {
    prevHash,
    chain: String(chain),
    seq: String(seq),
    hashVersion: String(HASH_VERSION),
    invocationId: body.invocationId,
    at: auditTimestamp(body.at),
    tool: body.tool,
    status: String(body.outcome.status),
    body: canonicalJson(body),
  };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function maskPii(input: Record<string, unknown>, fields: Record<string, InputFieldSpec> = {}): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input))
    masked[name] = fields[name]?.pii && value !== null && value !== undefined ? MASK : value;
  return masked;
}

/**
 * What a NUL character (U+0000) in a body's strings and keys becomes: PostgreSQL's json keeps
 * `\u0000` as written, but no query can then read the record's fields as text (`body->>…` fails
 * on it), so the stand-in is a visible character that reads as one.
 */
export const NUL_STAND_IN = "\u2400";

/**
 * The body as it is hashed and stored, and its canonical JSON: NUL replaced by NUL_STAND_IN in
 * every string and key. Applied once, by whoever makes a record of a body (auditAppend,
 * chainRecord); a body without NUL (all but hostile ones) comes back as it is, found with one
 * search of the JSON. The canonical JSON is both what the record stores and what its hash covers,
 * so the body is serialized once and sent once (audit-store.ts APPEND).
 */
export function storableBody(body: AuditBody): { body: AuditBody; json: string } {
  const json = canonicalJson(body);
  if (!json.includes("\\u0000")) return { body, json };
  const clean = withoutNul(body) as AuditBody;
  return { body: clean, json: canonicalJson(clean) };
}

function withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll("\u0000", NUL_STAND_IN);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(withoutNul);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key.replaceAll("\u0000", NUL_STAND_IN)] = withoutNul(v);
  return out;
}

/** The version-1 rule, kept so records written before migration 0003 still verify. */
export function hashRecordV1(prevHash: string, seq: number, body: AuditBody): string {
  return sha256(`${prevHash}\n${seq}\n${canonicalJson(body)}`);
}

/** A new record's hash (version 3), from its body: what PostgreSQL computes in the APPEND. */
export function hashRecord(prevHash: string, seq: number, body: AuditBody, chain = 1): string {
  return sha256(hashedText(columnsOf(prevHash, seq, body, chain)));
}

/** The record after `prev` on its chain (`chain`, default 1), hashed in Node. */
export function chainRecord(prev: { seq: number; hash: string } | undefined, body: AuditBody, chain = 1): AuditRecord {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const stored = storableBody(body).body;
  return { ...stored, chain, seq, prevHash, hash: hashRecord(prevHash, seq, stored, chain), hashVersion: HASH_VERSION };
}

export interface ChainBreak {
  /** The chain the broken record is on (absent: a break of the checkpoints or the witness, not of a chain). */
  chain?: number;
  seq: number;
  invocationId: string;
  reason: string;
}

export const CHANGED = "its content does not match its hash (the record was changed)";

/** CHANGED, naming the columns that no longer match their copies in the record's body, when some do not. */
export function changedColumns(differing: readonly string[]): string {
  if (differing.length === 0) return CHANGED;
  return `${CHANGED.slice(0, -1)}: ${differing.join(", ")} ${differing.length === 1 ? "differs" : "differ"} from the body's copy)`;
}
export const RELINKED = "its previous-hash does not match the record before it";

export const removedBefore = (prevSeq: number, seq: number) => `sequence jumps from ${prevSeq} to ${seq} (a record was removed)`;

/** Checks one chain's records in `seq` order; returns the first broken one, or undefined when the chain holds. */
export function verifyChain(records: Iterable<AuditRecord>): ChainBreak | undefined {
  let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  for (const record of records) {
    const { chain, seq, prevHash, hash, hashVersion, ...body } = record;
    const at = { chain, seq, invocationId: record.invocationId };
    if (seq !== prev.seq + 1) return { ...at, reason: removedBefore(prev.seq, seq) };
    if (prevHash !== prev.hash) return { ...at, reason: RELINKED };
    const expected =
      hashVersion === 1
        ? hashRecordV1(prevHash, seq, body)
        : sha256(hashedText(columnsOf(prevHash, seq, body, chain), hashVersion === 2 ? 2 : 3));
    if (expected !== hash) return { ...at, reason: CHANGED };
    prev = { seq, hash };
  }
  return undefined;
}
