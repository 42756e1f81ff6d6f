/**
 * The migration ledger: one row per applied migration, with the script's checksum and the entity
 * specs it led to (the next plan starts from them). A row whose script no longer matches its
 * checksum, or a known migration id with another checksum, is a hard error: the history is not
 * what was applied.
 */
import type { EntitySpec } from "../language/entity";
import { checksum } from "../compiler/migrations/render";
import type { Database, Queryable } from "../database/types";

export const LEDGER_TABLE = "fascia_migrations";
/** Key of the session advisory lock every deployer takes before reading the ledger. */
export const MIGRATION_LOCK_KEY = 7_358_201_944_015_011n;

export interface LedgerRow {
  readonly id: string;
  readonly seq: number;
  readonly checksum: string;
  readonly script: string;
  readonly entities: EntitySpec[];
  /** pending: phase 1 committed, index builds or validation still to do. */
  readonly state: "pending" | "applied";
}

export class MigrationIntegrityError extends Error {}

export const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS "${LEDGER_TABLE}" (
  "id" text PRIMARY KEY,
  "seq" integer NOT NULL UNIQUE,
  "checksum" text NOT NULL,
  "script" text NOT NULL,
  "entities" json NOT NULL,
  "state" text NOT NULL CHECK ("state" IN ('pending', 'applied')),
  "applied_at" timestamp with time zone NOT NULL DEFAULT now()
);`;

export async function ledgerExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [LEDGER_TABLE]);
  return rows[0]?.found != null;
}

export async function readLedger(db: Queryable): Promise<LedgerRow[]> {
  if (!(await ledgerExists(db))) return [];
  const { rows } = await db.query<{
    id: string;
    seq: number;
    checksum: string;
    script: string;
    entities: unknown;
    state: "pending" | "applied";
  }>(`SELECT "id", "seq", "checksum", "script", "entities", "state" FROM "${LEDGER_TABLE}" ORDER BY "seq"`);
  return rows.map((r) => {
    if (checksum(r.script) !== r.checksum)
      throw new MigrationIntegrityError(
        `migration ${r.id} in ${LEDGER_TABLE} does not match its checksum: the ledger was edited after it was applied`,
      );
    const entities = typeof r.entities === "string" ? (JSON.parse(r.entities) as EntitySpec[]) : (r.entities as EntitySpec[]);
    return { id: r.id, seq: Number(r.seq), checksum: r.checksum, script: r.script, entities, state: r.state };
  });
}

/**
 * Holds the migration lock for the duration of `fn`, on one connection. Here, not in apply.ts, so
 * the executor's own tables (executor/store/executor-schema.ts) take the lock without loading the
 * migration planner into every executor process.
 */
export async function withMigrationLock<T>(db: Database, fn: (session: Queryable) => Promise<T>): Promise<T> {
  return db.session(async (session) => {
    await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    try {
      return await fn(session);
    } finally {
      await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
    }
  });
}
