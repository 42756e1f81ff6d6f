/**
 * Chain verification over a range of records for the operator API (verifyAuditChain does the
 * work). The range is bounded: one request checks at most MAX_VERIFIED_RECORDS records, so a
 * Console polling a long chain cannot keep a connection busy for minutes; without `from` the
 * newest records up to that bound are checked, and `from` anchors on record from−1's stored hash.
 */
import type { Queryable } from "../../database/types";
import type { ChainVerification } from "../../contracts/operator-api";
import { GENESIS_HASH } from "../audit/audit-chain";
import { chainHead, verifyAuditChain } from "../store/audit-store";
import type { QueryReader } from "./query-params";

export const VERIFY_PARAMETERS = ["from", "to"] as const;

/** About a second of hashing on one core; a longer chain is verified in parts (or whole by `fascia audit verify`). */
export const MAX_VERIFIED_RECORDS = 100_000;

export interface VerifyQuery {
  from?: number;
  to?: number;
}

export function readVerifyQuery(query: QueryReader): VerifyQuery {
  const from = query.integer("from", 1);
  const to = query.integer("to", 1);
  if (from !== undefined && to !== undefined && to < from) query.problem("to", `must not be before from (${from})`);
  if (from !== undefined && to !== undefined && to - from + 1 > MAX_VERIFIED_RECORDS)
    query.problem("to", `the range holds ${to - from + 1} records; at most ${MAX_VERIFIED_RECORDS} are verified per request`);
  query.done();
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

export async function verifyChainRange(db: Queryable, query: VerifyQuery): Promise<ChainVerification> {
  const head = (await chainHead(db)) ?? { seq: 0, hash: GENESIS_HASH };
  // A range past the head is clamped to it: the records after it do not exist yet.
  const end = Math.min(query.to ?? head.seq, head.seq);
  const from = query.from ?? Math.max(1, end - MAX_VERIFIED_RECORDS + 1);
  const to = Math.min(end, from + MAX_VERIFIED_RECORDS - 1);
  if (from > to) return { from, to, checked: 0, head, verified: true };
  const result = await verifyAuditChain(db, 1000, { from, to });
  return {
    from,
    to,
    checked: result.records,
    head,
    verified: result.broken === undefined,
    ...(result.broken ? { broken: result.broken } : {}),
  };
}
