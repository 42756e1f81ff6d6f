/**
 * What a failed invocation's answer admits to. An invocation may commit more than once (a flow
 * with several transactions, after-commit effects enqueued with an earlier commit); when a later
 * step fails, what committed stays. The error body then says which transactions committed, which
 * rows they wrote and which effects will still be made (`error.committed`), in the message too,
 * and the same body is what a retry with the same Idempotency-Key replays. Only an answer after
 * which nothing stands says "nothing was committed".
 */
import type { ErrorDetail } from "../errors/catalogue";
import type { FlowState } from "./run-flow";
import { CONNECTION_LOST_MESSAGE } from "./database-errors";

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[]; committed?: CommittedSummary };
}

export interface CommittedSummary {
  transactions: string[];
  rows: { entity: string; id: string; action: string }[];
  /** Effects in the outbox that will be made although the invocation failed. */
  effects: { node: string; kind: string }[];
  /** Set when the final commit's outcome could not be learned. */
  finalCommit?: "unknown";
}

export type CommitState = "none" | "committed" | "unknown";

export function admitCommitted(body: ErrorBody, state: FlowState, commits: CommitState): ErrorBody {
  const { error } = body;
  if (commits === "none") {
    const lost = error.message === CONNECTION_LOST_MESSAGE;
    return lost ? { error: { ...error, message: `${error.message}; nothing was committed` } } : body;
  }
  const transactions = [...state.committedTransactions];
  const committed: CommittedSummary = {
    transactions,
    rows: state.committedRows.map(({ entity, id, action }) => ({ entity, id, action })),
    effects: state.queued.map((e) => ({ node: e.node, kind: e.request.kind })),
    ...(commits === "unknown" ? { finalCommit: "unknown" as const } : {}),
  };
  if (transactions.length === 0) return { error: { ...error, committed } };
  const which = transactions.length === 1 ? `transaction ${transactions[0]}` : `transactions ${transactions.join(", ")}`;
  const effects = committed.effects.length > 0 ? ` and ${committed.effects.length} queued effect(s) will still be made` : "";
  return { error: { ...error, message: `${error.message}; ${which} had already committed: its writes stand${effects}`, committed } };
}
