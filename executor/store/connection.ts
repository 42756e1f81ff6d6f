/**
 * One database connection per invocation: every statement of an invocation (the idempotency
 * claim, the plan's transactions, the audit append) goes through it, so an invocation never
 * waits for a second pooled connection while holding one. PGlite has a single connection shared
 * by everyone, so there invocations take turns.
 *
 * The wait for a connection can be bounded (`waitMs`): under overload a request then fails with
 * 503 instead of queueing without end; a connection that frees up after the caller gave up is
 * handed straight back.
 */
import type { Database, Queryable } from "../../database/types";
import { ToolError } from "../errors/catalogue";

export type WithConnection = <T>(fn: (conn: Queryable) => Promise<T>, waitMs?: number) => Promise<T>;

/** No connection was handed out within the wait bound. */
export class ConnectionWaitExceeded extends Error {
  constructor(readonly waitMs: number) {
    super(`no database connection became free within ${waitMs} ms`);
    this.name = "ConnectionWaitExceeded";
  }
}

export function connectionProvider(db: Database): WithConnection {
  const session = db.driver === "pg" ? <T>(fn: (conn: Queryable) => Promise<T>) => db.session(fn) : takingTurns(db);
  return (fn, waitMs) => (waitMs === undefined ? session(fn) : bounded(session, fn, waitMs));
}

/** The error of an invocation that got no connection (the pool was exhausted, or the database refused or could not be reached). */
export function noConnection(error: unknown): ToolError {
  if (error instanceof ConnectionWaitExceeded)
    return ToolError.of("UNAVAILABLE", `${error.message}; retry later`, [{ message: "database connection pool exhausted" }]);
  return ToolError.of("UNAVAILABLE", "the database cannot be reached; nothing was run", [{ message: "no database connection" }]);
}

function takingTurns(db: Database): <T>(fn: (conn: Queryable) => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: (conn: Queryable) => Promise<T>): Promise<T> => {
    const run = tail.then(() => db.session(fn));
    tail = run.catch(() => undefined);
    return run;
  };
}

function bounded<T>(
  session: <R>(fn: (conn: Queryable) => Promise<R>) => Promise<R>,
  fn: (conn: Queryable) => Promise<T>,
  waitMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let state: "waiting" | "running" | "abandoned" = "waiting";
    const timer = setTimeout(() => {
      if (state !== "waiting") return;
      state = "abandoned";
      reject(new ConnectionWaitExceeded(waitMs));
    }, waitMs);
    session(async (conn) => {
      if (state === "abandoned") return undefined as T;
      state = "running";
      clearTimeout(timer);
      return fn(conn);
    }).then(resolve, (error: unknown) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
