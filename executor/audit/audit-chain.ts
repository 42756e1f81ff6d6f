/**
 * The audit trail's tamper evidence: each record's hash covers its own content and the previous
 * record's hash, so changing, removing or reordering any record breaks every hash after it.
 * Pure functions; storing records is the audit store's job.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../contracts/canonical-json";
import type { InputFieldSpec } from "../../language/field";

export const GENESIS_HASH = "0".repeat(64);
export const MASK = "***";

export interface AuditBody {
  invocationId: string;
  at: string;
  tool: string;
  trigger: string;
  callerId: string | null;
  callerRoles: string[];
  /** The input with pii fields masked. */
  input: Record<string, unknown>;
  inputDigest: string;
  rowsChanged: { entity: string; id: string; action: string }[];
  effects: { node: string; kind: string; id: string; amount?: number }[];
  compensations: { node: string; kind: string; id: string; ok: boolean; error?: string }[];
  outcome: { status: number; code?: string };
  durationMs: number;
  /** Set when the response was replayed from the idempotency store: the invocation that produced it. */
  replayOf?: string;
  /** Effects this invocation left in the outbox, made once its commit landed (each gets a record of its own, `delivery`). */
  queued?: { node: string; kind: string; outboxId: string }[];
  /** Set on the record of an outbox delivery: the invocation that enqueued it, the entry, the attempts made, the last error. */
  delivery?: { of: string; outboxId: string; attempts: number; error?: string };
}

export interface AuditRecord extends AuditBody {
  seq: number;
  prevHash: string;
  hash: string;
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

export function hashRecord(prevHash: string, seq: number, body: AuditBody): string {
  return sha256(`${prevHash}\n${seq}\n${canonicalJson(body)}`);
}

export function chainRecord(prev: { seq: number; hash: string } | undefined, body: AuditBody): AuditRecord {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { ...body, seq, prevHash, hash: hashRecord(prevHash, seq, body) };
}

export interface ChainBreak {
  seq: number;
  invocationId: string;
  reason: string;
}

/** Checks records in `seq` order; returns the first broken one, or undefined when the chain holds. */
export function verifyChain(records: Iterable<AuditRecord>): ChainBreak | undefined {
  let prev: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  for (const record of records) {
    const { seq, prevHash, hash, ...body } = record;
    const at = { seq, invocationId: record.invocationId };
    if (seq !== prev.seq + 1) return { ...at, reason: `sequence jumps from ${prev.seq} to ${seq} (a record was removed)` };
    if (prevHash !== prev.hash) return { ...at, reason: "its previous-hash does not match the record before it" };
    if (hashRecord(prevHash, seq, body) !== hash) return { ...at, reason: "its content does not match its hash (the record was changed)" };
    prev = { seq, hash };
  }
  return undefined;
}
