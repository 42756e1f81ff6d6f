/**
 * Explicit transactions on a held connection. Every one the project opens goes through here:
 * BEGIN, the work, then COMMIT — or, on any error, ROLLBACK (its own failure ignored: the
 * connection may be gone) and the error goes on.
 */
import type { Statement } from "./types";
import { isConnectionFailure } from "./connection-failure";
import { runStatement, type Queryable, type QueryOptions, type QueryResult } from "./types";

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

/**
 * Like inTransaction, but `fn` returns the transaction's last statements, sent with the COMMIT
 * (commitWith). When `fn` sent nothing itself and returns a single statement, that statement is
 * sent alone, without BEGIN and COMMIT: one statement is a transaction of its own in PostgreSQL
 * (its effects commit at once, or none of them), so the transaction is the same with two round
 * trips fewer. Its connection failing under it is CommitOutcomeUnknown, as for the COMMIT.
 */
export async function inTransactionEndingWith(
  conn: Queryable,
  fn: (tx: Queryable) => Promise<Statement | readonly Statement[]>,
): Promise<void> {
  const tx = deferredBegin(conn, "BEGIN");
  try {
    const last = await fn(tx.conn);
    const statements = Array.isArray(last) ? (last as readonly Statement[]) : [last as Statement];
    if (!tx.begun() && statements.length === 1) {
      checkSendable(statements);
      try {
        await runStatement(conn, statements[0]!);
      } catch (error) {
        throw isConnectionFailure(error) ? new CommitOutcomeUnknown(error) : error;
      }
      return;
    }
    await tx.begin();
    await commitWith(conn, statements);
  } catch (error) {
    if (tx.begun()) await conn.exec("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * A transaction whose BEGIN is sent with the first statement that needs it rather than on its
 * own: `conn` sends BEGIN, waits for it, then the statement (PostgreSQL runs a statement that
 * follows a failed BEGIN outside any transaction, so only `harmless` ones — reads, whose
 * result is dropped when BEGIN failed — travel in the same write as their BEGIN). `begin()` sends it
 * now when nothing has yet. BEGIN's own error is thrown first, whatever the statement's.
 */
export interface DeferredBegin {
  readonly conn: Queryable;
  /** A statement safe to run outside the transaction (a read): sent together with the BEGIN when it is still pending. */
  harmless<R>(text: string, values: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  begin(): Promise<void>;
  begun(): boolean;
}

export function deferredBegin(conn: Queryable, beginSql: string): DeferredBegin {
  let sent: Promise<void> | null = null;
  const begin = (): Promise<void> => (sent ??= conn.exec(beginSql));
  const deferred: Queryable = {
    ...(conn.backendPid !== undefined ? { backendPid: conn.backendPid } : {}),
    async query<R>(text: string, values?: readonly unknown[], options?: QueryOptions) {
      await begin();
      return conn.query<R>(text, values, options);
    },
    async exec(sql: string) {
      await begin();
      return conn.exec(sql);
    },
  };
  return {
    conn: deferred,
    async harmless<R>(text: string, values: readonly unknown[], options?: QueryOptions) {
      if (sent) {
        await sent;
        return conn.query<R>(text, values, options);
      }
      const began = begin();
      const ran = conn.query<R>(text, values, options);
      const [b, r] = await Promise.allSettled([began, ran]);
      if (b.status === "rejected") throw b.reason;
      if (r.status === "rejected") throw r.reason;
      return r.value;
    },
    begin,
    begun: () => sent !== null,
  };
}

function checkSendable(statements: readonly Statement[]): void {
  const plain = (v: unknown) => v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  for (const last of statements)
    for (const value of last.values) {
      if (!plain(value) && !(Array.isArray(value) && value.every(plain))) {
        throw new TypeError("commitWith: the last statement's values must be strings, numbers, booleans or null (or arrays of them)");
      }
    }
}

/**
 * The open transaction's last statements and its COMMIT, issued back to back: nothing waits for
 * a statement's answer before the next leaves (on a pipelining pg client they all leave in one
 * round trip; PGlite and a plain pg client run them in issue order), so a lock a statement takes
 * is held for round trips less. When PostgreSQL refuses a statement, the transaction is aborted,
 * the statements after it are refused in turn and the COMMIT rolls back; the first statement's
 * error is thrown. A statement whose outcome must be checked has to check it in SQL (raise, as
 * fascia_expect does) for the COMMIT to roll back. When the connection fails instead, nothing is
 * known (CommitOutcomeUnknown). A statement that never reached the server would let the COMMIT
 * through without it, so their values must be ones the driver cannot fail to send (checked).
 * Returns the last statement's result.
 */
export async function commitWith<R = Record<string, unknown>>(
  conn: Queryable,
  last: Statement | readonly Statement[],
): Promise<QueryResult<R>> {
  const statements = Array.isArray(last) ? (last as readonly Statement[]) : [last as Statement];
  checkSendable(statements);
  const settled = await Promise.allSettled([...statements.map((s) => runStatement<R>(conn, s)), conn.exec("COMMIT")]);
  const committed = settled.pop()!;
  const refused = settled.find((s) => s.status === "rejected" && !isConnectionFailure(s.reason)) as PromiseRejectedResult | undefined;
  if (refused) throw refused.reason;
  const failure =
    committed.status === "rejected"
      ? committed.reason
      : (settled.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined)?.reason;
  if (failure !== undefined) throw isConnectionFailure(failure) ? new CommitOutcomeUnknown(failure) : failure;
  if (statements.length === 0) return { rows: [], rowCount: 0 };
  return (settled[settled.length - 1] as PromiseFulfilledResult<QueryResult<R>>).value;
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
