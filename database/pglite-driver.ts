/** PGlite: PostgreSQL 18 compiled to wasm, in-process. One connection; btree_gist loaded. */
import { PGlite, type PGliteOptions, type Transaction } from "@electric-sql/pglite";
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

/**
 * The files of a freshly initialized cluster, taken from the first in-memory database this process
 * opens, before anything is written to it. Later in-memory databases start from them rather than
 * running initdb again: a third of the time (about 1 s instead of 3), which scratch catalogs
 * (migrate/drift.ts), the studio's checks and the test suites pay once per database.
 */
let freshCluster: Promise<Blob> | undefined;

async function createInMemory(options: PGliteOptions): Promise<PGlite> {
  const template = freshCluster;
  if (template) {
    const files = await template.catch(() => undefined);
    if (files) return PGlite.create({ ...options, loadDataDir: files });
  }
  const db = await PGlite.create(options);
  freshCluster ??= db.dumpDataDir("none");
  await freshCluster.catch(() => undefined);
  return db;
}

/** `dataDir` undefined → in memory. */
export async function openPglite(dataDir?: string): Promise<Database> {
  const parsers = Object.fromEntries(Object.values(TEXT_TYPE_OIDS).map((oid) => [oid, keepText]));
  const options: PGliteOptions = { extensions: { btree_gist }, parsers };
  const db = dataDir ? await PGlite.create({ ...options, dataDir }) : await createInMemory(options);
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
