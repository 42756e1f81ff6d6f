/**
 * Explicit transactions on a held connection. Every one the project opens goes through here:
 * BEGIN, the work, then COMMIT — or, on any error, ROLLBACK (its own failure ignored: the
 * connection may be gone) and the error goes on.
 */
import type { Statement } from "./types";
import { isConnectionFailure } from "./connection-failure";
import type { Queryable, QueryResult } from "./types";

/**
 * The connection failed while a COMMIT was under way: PostgreSQL may have committed (the COMMIT
 * arrived, its answer did not) or not. Only the database can tell, once the backend is gone.
 */
export class CommitOutcomeUnknown extends Error {
  constructor(override readonly cause: unknown) {
    super(
      `the connection failed before PostgreSQL answered the COMMIT, so whether it committed is unknown (${(cause as Error)?.message ?? String(cause)})`,
    );
    this.name = "CommitOutcomeUnknown";
  }
}

export function inTransaction<T>(conn: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return transaction(conn, async (tx) => {
    const result = await fn(tx);
    await commit(tx);
    return result;
  });
}

/** COMMIT the open transaction; a connection failing under it is CommitOutcomeUnknown. */
export async function commit(conn: Queryable): Promise<void> {
  try {
    await conn.exec("COMMIT");
  } catch (error) {
    throw isConnectionFailure(error) ? new CommitOutcomeUnknown(error) : error;
  }
}

/** Like inTransaction, but `fn` returns the transaction's last statement, sent with the COMMIT (commitWith). */
export function inTransactionEndingWith(conn: Queryable, fn: (tx: Queryable) => Promise<Statement>): Promise<void> {
  return transaction(conn, async (tx) => {
    await commitWith(tx, await fn(tx));
  });
}

/**
 * The open transaction's last statement and its COMMIT, issued back to back: the COMMIT does not
 * wait for the statement's answer (on a pipelining pg client both leave in one write; PGlite and
 * a plain pg client run them in issue order), so a lock the statement takes is held for one
 * round trip less. When PostgreSQL refuses the statement, it answers that COMMIT by rolling back,
 * and the statement's error is thrown; when the connection fails instead, nothing is known
 * (CommitOutcomeUnknown). A statement that never reached the server would let the COMMIT through
 * without it, so its values must be ones the driver cannot fail to send (checked).
 */
export async function commitWith<R = Record<string, unknown>>(conn: Queryable, last: Statement): Promise<QueryResult<R>> {
  for (const value of last.values) {
    if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new TypeError("commitWith: the last statement's values must be strings, numbers, booleans or null");
    }
  }
  const [statement, committed] = await Promise.allSettled([conn.query<R>(last.text, last.values), conn.exec("COMMIT")]);
  if (statement.status === "rejected" && !isConnectionFailure(statement.reason)) throw statement.reason;
  const failure = committed.status === "rejected" ? committed.reason : statement.status === "rejected" ? statement.reason : undefined;
  if (failure !== undefined) throw isConnectionFailure(failure) ? new CommitOutcomeUnknown(failure) : failure;
  return (statement as PromiseFulfilledResult<QueryResult<R>>).value;
}

async function transaction<T>(conn: Queryable, body: (tx: Queryable) => Promise<T>): Promise<T> {
  await conn.exec("BEGIN");
  try {
    return await body(conn);
  } catch (error) {
    await conn.exec("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
