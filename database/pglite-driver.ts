/** PGlite: PostgreSQL 18 compiled to wasm, in-process. One connection; btree_gist loaded. */
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { TEXT_TYPE_OIDS, type Database, type Queryable, type QueryResult } from "./types";

const keepText = (value: string) => value;

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<R>(text: string, values: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await target.query<R>(text, values as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

/** `dataDir` undefined → in memory. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const parsers = Object.fromEntries(Object.values(TEXT_TYPE_OIDS).map((oid) => [oid, keepText]));
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { btree_gist }, parsers });
  const base = queryable(db);
  return {
    driver: "pglite",
    label: dataDir ? `pglite:${dataDir}` : "pglite:memory",
    ...base,
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    // One connection: every caller already shares the session.
    session: (fn) => fn(base),
    close: () => db.close(),
  };
}
