/**
 * Explicit transactions on a held connection. Every one the project opens goes through here:
 * BEGIN, the work, then COMMIT — or, on any error, ROLLBACK (its own failure ignored: the
 * connection may be gone) and the error goes on.
 */
import type { Statement } from "../compiler/schema/crud";
import type { Queryable, QueryResult } from "./types";

export function inTransaction<T>(conn: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return transaction(conn, async (tx) => {
    const result = await fn(tx);
    await tx.exec("COMMIT");
    return result;
  });
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
 * round trip less. When the statement fails, PostgreSQL answers that COMMIT by rolling back, and
 * the statement's error is thrown. A statement that never reached the server would let the COMMIT
 * through without it, so its values must be ones the driver cannot fail to send (checked).
 */
export async function commitWith<R = Record<string, unknown>>(conn: Queryable, last: Statement): Promise<QueryResult<R>> {
  for (const value of last.values) {
    if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new TypeError("commitWith: the last statement's values must be strings, numbers, booleans or null");
    }
  }
  const [statement, committed] = await Promise.allSettled([conn.query<R>(last.text, last.values), conn.exec("COMMIT")]);
  if (statement.status === "rejected") throw statement.reason;
  if (committed.status === "rejected") throw committed.reason;
  return statement.value;
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
