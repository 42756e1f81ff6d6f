/**
 * Round trips to the database, counted where statements leave the process: a Database whose
 * connections note each statement and whether the client has to wait for an answer before it can
 * go. A statement issued while another of the same connection is still unanswered travels in the
 * same round trip (pg's pipeline mode writes it at once); one issued when nothing is outstanding
 * starts a new round trip. Statements on the pool outside a session are one round trip each.
 */
import type { Database, Queryable } from "../../database/types";

export interface RoundTripCount {
  readonly roundTrips: number;
  readonly statements: number;
  /** The statements in order, each prefixed with the round trip it went in (1-based). */
  readonly sent: string[];
}

export interface CountingRoundTrips extends Database {
  count(): RoundTripCount;
  reset(): void;
}

export function countingRoundTrips(db: Database): CountingRoundTrips {
  let roundTrips = 0;
  let sent: string[] = [];
  const wrap = (q: Queryable): Queryable => {
    let outstanding = 0;
    const note = async <T>(text: string, run: () => Promise<T>): Promise<T> => {
      if (outstanding === 0) roundTrips++;
      outstanding++;
      sent.push(`${roundTrips}: ${text.replace(/\s+/g, " ").slice(0, 1000)}`);
      try {
        return await run();
      } finally {
        outstanding--;
      }
    };
    return {
      ...(q.backendPid !== undefined ? { backendPid: q.backendPid } : {}),
      query: (text, values, options) => note(text, () => q.query(text, values, options)),
      exec: (sql) => note(sql, () => q.exec(sql)),
    };
  };
  return {
    ...db,
    query: (text, values, options) => wrap(db).query(text, values, options),
    exec: (sql) => wrap(db).exec(sql),
    session: (fn) => db.session((s) => fn(wrap(s))),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
    count: () => ({ roundTrips, statements: sent.length, sent: [...sent] }),
    reset() {
      roundTrips = 0;
      sent = [];
    },
  };
}
