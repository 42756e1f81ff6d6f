/**
 * One database connection per invocation: every statement of an invocation (the idempotency
 * claim, the plan's transactions, the audit append) goes through it, so an invocation never
 * waits for a second pooled connection while holding one. PGlite has a single connection shared
 * by everyone, so there invocations take turns.
 */
import type { Database, Queryable } from "../../database/types";

export type WithConnection = <T>(fn: (conn: Queryable) => Promise<T>) => Promise<T>;

export function connectionProvider(db: Database): WithConnection {
  if (db.driver === "pg") return (fn) => db.session(fn);
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: (conn: Queryable) => Promise<T>): Promise<T> => {
    const run = tail.then(() => db.session(fn));
    tail = run.catch(() => undefined);
    return run;
  };
}
