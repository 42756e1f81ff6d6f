/**
 * A Database that records every statement sent through it (query and exec, on the pool, in
 * sessions and in transactions): how the benchmark counts the statements per invocation without
 * pg_stat_statements (which needs a server restart to load).
 */
import type { Database, Queryable } from "../../database/types";

export interface CountingDatabase extends Database {
  readonly statements: string[];
  reset(): void;
}

export function countingDatabase(db: Database): CountingDatabase {
  const statements: string[] = [];
  const wrap = (q: Queryable): Queryable => ({
    query(text, values, options) {
      statements.push(text);
      return q.query(text, values, options);
    },
    exec(sql) {
      statements.push(sql);
      return q.exec(sql);
    },
  });
  return {
    ...db,
    ...wrap(db),
    statements,
    reset: () => void statements.splice(0),
    transaction: (fn) => {
      statements.push("BEGIN");
      return db.transaction((tx) => fn(wrap(tx))).finally(() => statements.push("COMMIT|ROLLBACK"));
    },
    session: (fn) => db.session((s) => fn(wrap(s))),
  };
}
