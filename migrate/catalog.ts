/**
 * The schema as PostgreSQL itself describes it (pg_catalog, printed by pg_get_*def), so two
 * databases compare by what they enforce, not by the text that created them. Column order is not
 * part of the snapshot: a column added by a migration lands at the end, which changes nothing.
 * Fascia's own tables and functions (the `fascia_` prefix, which entity names cannot take: the
 * migration ledger, the executor's idempotency and audit tables) are left out.
 */
import { LEDGER_PREFIX } from "../compiler/schema/compile";
import type { Queryable } from "../database/types";

export interface CatalogSnapshot {
  readonly extensions: string[];
  readonly tables: Record<string, TableSnapshot>;
  /** Functions of the schema that no extension owns: name → source. */
  readonly functions: Record<string, string>;
}

export interface TableSnapshot {
  readonly columns: Record<string, { type: string; nullable: boolean; default: string | null }>;
  readonly constraints: Record<string, { type: string; definition: string; validated: boolean }>;
  readonly indexes: Record<string, { definition: string; valid: boolean }>;
  readonly triggers: Record<string, string>;
}

const SCHEMA = "n.nspname = current_schema()";

export async function readCatalog(db: Queryable): Promise<CatalogSnapshot> {
  const tables: Record<string, TableSnapshot> = {};
  const table = (name: string) => (tables[name] ??= { columns: {}, constraints: {}, indexes: {}, triggers: {} });
  const skip = (name: string) => name.startsWith(LEDGER_PREFIX);

  const t = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${SCHEMA} AND c.relkind IN ('r', 'p')`,
  );
  for (const r of t.rows) if (!skip(r.name)) table(r.name);

  const cols = await db.query<{ tbl: string; name: string; type: string; nullable: boolean; dflt: string | null }>(
    `SELECT c.relname AS tbl, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS dflt
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE ${SCHEMA} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  for (const r of cols.rows) if (!skip(r.tbl)) table(r.tbl).columns[r.name] = { type: r.type, nullable: r.nullable, default: r.dflt };

  // contype 'n' (NOT NULL as a constraint, PostgreSQL 18) duplicates attnotnull, which 15 lacks.
  const cons = await db.query<{ tbl: string; name: string; type: string; definition: string; validated: boolean }>(
    `SELECT c.relname AS tbl, k.conname AS name, k.contype::text AS type, pg_get_constraintdef(k.oid) AS definition, k.convalidated AS validated
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${SCHEMA} AND k.contype <> 'n'`,
  );
  for (const r of cons.rows)
    if (!skip(r.tbl)) table(r.tbl).constraints[r.name] = { type: r.type, definition: r.definition, validated: r.validated };

  const idx = await db.query<{ tbl: string; name: string; definition: string; valid: boolean }>(
    `SELECT c.relname AS tbl, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid AS valid
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${SCHEMA}`,
  );
  for (const r of idx.rows) if (!skip(r.tbl)) table(r.tbl).indexes[r.name] = { definition: r.definition, valid: r.valid };

  const trg = await db.query<{ tbl: string; name: string; definition: string }>(
    `SELECT c.relname AS tbl, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS definition
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${SCHEMA} AND NOT tg.tgisinternal`,
  );
  for (const r of trg.rows) if (!skip(r.tbl)) table(r.tbl).triggers[r.name] = r.definition;

  const fns = await db.query<{ name: string; source: string }>(
    `SELECT p.proname AS name, p.prosrc AS source FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE ${SCHEMA} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
  );
  const functions: Record<string, string> = {};
  for (const r of fns.rows) if (!skip(r.name)) functions[r.name] = r.source;

  const ext = await db.query<{ name: string }>("SELECT extname AS name FROM pg_extension ORDER BY extname");
  return { extensions: ext.rows.map((r) => r.name), tables: sortKeys(tables), functions: sortKeys(functions) };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface CatalogDifference {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Every place where `actual` differs from `expected`, as paths like `tables.room.columns.number`. */
export function diffCatalogs(expected: CatalogSnapshot, actual: CatalogSnapshot): CatalogDifference[] {
  const out: CatalogDifference[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of [...keys].sort())
        walk(path ? `${path}.${k}` : k, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, expected: a, actual: b });
  };
  walk("", expected, actual);
  return out;
}
