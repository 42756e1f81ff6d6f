/**
 * In-memory PGlite databases after the first start from a copy of a fresh cluster's files
 * (database/pglite-driver.ts) rather than running initdb again: each must still be a database of
 * its own, as empty as a fresh one, with btree_gist available.
 */
import { openPglite } from "../../database/pglite-driver";
import type { Database } from "../../database/types";

const tables = async (db: Database) =>
  (await db.query<{ name: string }>(`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map(
    (r) => r.name,
  );

describe("in-memory PGlite databases", () => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const db of opened) await db.close();
  });
  const open = async () => {
    const db = await openPglite();
    opened.push(db);
    return db;
  };

  it("are each their own and start empty, whatever was written to the first", async () => {
    const first = await open();
    await first.exec(`CREATE TABLE "kept_in_first" ("id" integer PRIMARY KEY); INSERT INTO "kept_in_first" VALUES (1)`);
    const second = await open();
    const third = await open();
    await second.exec(`CREATE TABLE "kept_in_second" ("id" integer PRIMARY KEY)`);
    expect(await tables(first)).toEqual(["kept_in_first"]);
    expect(await tables(second)).toEqual(["kept_in_second"]);
    expect(await tables(third)).toEqual([]);
  });

  it("can create btree_gist and use it, as the compiled schema's exclusion constraints need", async () => {
    const db = await open();
    await db.exec(`CREATE EXTENSION IF NOT EXISTS btree_gist;
      CREATE TABLE "slot" ("room" integer, "during" tstzrange, EXCLUDE USING gist ("room" WITH =, "during" WITH &&))`);
    await db.query(`INSERT INTO "slot" VALUES (1, tstzrange('2026-01-01', '2026-01-02'))`);
    await expect(db.query(`INSERT INTO "slot" VALUES (1, tstzrange('2026-01-01 12:00+00', '2026-01-03'))`)).rejects.toThrow(/exclusion/);
  });
});
