/**
 * Chain verification over a range of records for the operator API (verifyAuditChain does the
 * work, chain by chain). The range is bounded: one request checks at most MAX_VERIFIED_RECORDS
 * records over all chains, so a Console polling a long log cannot keep a connection busy for
 * minutes; without `from` the newest records of each chain are checked (the bound shared evenly),
 * and `from` anchors on record from−1's stored hash. The whole log, checkpoints and witness
 * included, is `fascia audit verify`'s.
 */
import type { Queryable } from "../../database/types";
import type { ChainVerification } from "../../contracts/operator-api";
import { chainHeads } from "../store/audit-store";
import { verifyAuditChain } from "../store/audit-verify";
import type { QueryReader } from "./query-params";

export const VERIFY_PARAMETERS = ["chain", "from", "to"] as const;

/** About a second of hashing on one core; a longer log is verified in parts (or whole by `fascia audit verify`). */
export const MAX_VERIFIED_RECORDS = 100_000;

export interface VerifyQuery {
  chain?: number;
  from?: number;
  to?: number;
}

export function readVerifyQuery(query: QueryReader): VerifyQuery {
  const chain = query.integer("chain", 1);
  const from = query.integer("from", 1);
  const to = query.integer("to", 1);
  if (from !== undefined && to !== undefined && to < from) query.problem("to", `must not be before from (${from})`);
  if (from !== undefined && to !== undefined && to - from + 1 > MAX_VERIFIED_RECORDS)
    query.problem("to", `the range holds ${to - from + 1} records; at most ${MAX_VERIFIED_RECORDS} are verified per request`);
  query.done();
  return { ...(chain !== undefined ? { chain } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

export async function verifyChainRange(db: Queryable, query: VerifyQuery): Promise<ChainVerification> {
  const heads = (await chainHeads(db)).filter((h) => query.chain === undefined || h.chain === query.chain);
  const share = Math.max(1, Math.floor(MAX_VERIFIED_RECORDS / Math.max(1, heads.filter((h) => h.seq > 0).length)));
  const result: ChainVerification = { checked: 0, verified: true, chains: [] };
  for (const head of heads) {
    // A range past the head is clamped to it: the records after it do not exist yet.
    const end = Math.min(query.to ?? head.seq, head.seq);
    const from = query.from ?? Math.max(1, end - share + 1);
    const to = Math.min(end, from + share - 1);
    if (from > to) {
      result.chains.push({ chain: head.chain, from, to, checked: 0, head: { seq: head.seq, hash: head.hash } });
      continue;
    }
    const checked = await verifyAuditChain(db, 1000, { chain: head.chain, from, to }, [head]);
    result.chains.push({ chain: head.chain, from, to, checked: checked.records, head: { seq: head.seq, hash: head.hash } });
    result.checked += checked.records;
    if (checked.broken) {
      result.verified = false;
      result.broken = {
        chain: head.chain,
        seq: checked.broken.seq,
        invocationId: checked.broken.invocationId,
        reason: checked.broken.reason,
      };
      break;
    }
  }
  return result;
}
