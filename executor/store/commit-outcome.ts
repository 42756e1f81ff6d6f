/**
 * Connections that failed under an invocation: ending the backend they leave behind, and the
 * outcome of a final COMMIT whose answer was lost with its connection. PostgreSQL may have
 * committed (the COMMIT arrived, the acknowledgement did not) or not; refunding a charge whose
 * writes did commit would leave a confirmed booking unpaid. The final transaction always carries
 * the invocation's audit record, so that record is the witness — once the backend that ran the
 * transaction is gone: until then it could still commit (or hold its locks, the audit chain head
 * among them). So that backend is ended first (pg_terminate_backend: a COMMIT is atomic, it either
 * lands before the backend exits or never), then the record is looked up.
 */
import type { Queryable } from "../../database/types";
import type { AuditBody } from "../audit/audit-chain";
import { AUDIT_TABLE } from "./executor-schema";

export interface LostConnection {
  /** Its backend (absent: the driver has none to end, e.g. PGlite). */
  backendPid: number | undefined;
  /** Set when the final COMMIT was under way: the audit record that transaction appended. */
  finalCommit?: Pick<AuditBody, "invocationId" | "tool" | "at">;
}

const POLL_MS = 20;

/** What became of a lost connection's last transaction: committed, rolled back, or not knowable now. */
export type LostOutcome = "committed" | "rolledBack" | "unknown";

/**
 * Settles a connection that failed under an invocation: ends its backend, then, when the final
 * COMMIT was under way, looks for its audit record. `committed` only when that COMMIT is known
 * to have landed, `rolledBack` when it is known not to have (or no COMMIT was under way: a
 * transaction whose backend ended uncommitted rolled back), `unknown` when the backend outlives
 * `waitMs` or the database cannot be asked.
 */
export async function settleLostConnection(db: Queryable, lost: LostConnection, waitMs: number): Promise<LostOutcome> {
  try {
    const ended = lost.backendPid === undefined || (await endBackend(db, lost.backendPid, waitMs));
    if (!ended) return "unknown";
    if (!lost.finalCommit) return "rolledBack";
    const { invocationId, tool, at } = lost.finalCommit;
    // (tool, at) is indexed; `at` is the invocation's start, so this reads one index entry or two.
    const { rows } = await db.query(
      `SELECT 1 FROM "${AUDIT_TABLE}" WHERE "tool" = $1 AND "at" = $2::timestamptz AND "invocation_id" = $3`,
      [tool, at, invocationId],
    );
    return rows.length > 0 ? "committed" : "rolledBack";
  } catch {
    return "unknown";
  }
}

/**
 * Ends the backend of a connection that failed and waits until it has left pg_stat_activity;
 * false when it is still there after `waitMs`. A connection cut by the network leaves its backend
 * in its transaction, holding its row locks, until TCP notices (hours, with default keepalives).
 * The pid was the connection's a moment ago; Linux hands out pids in order up to pid_max, so no
 * other backend can have it yet. Without the right to signal it, waiting alone may still settle it.
 */
async function endBackend(db: Queryable, pid: number, waitMs: number): Promise<boolean> {
  await db.query("SELECT pg_terminate_backend($1)", [pid]).catch(() => undefined);
  const until = Date.now() + waitMs;
  for (;;) {
    const { rows } = await db.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", [pid]);
    if (rows.length === 0) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
