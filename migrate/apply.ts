/**
 * Applying migrations. Every deployer takes one session advisory lock first, so two deployers
 * never migrate at once: the second waits, then reads the ledger the first wrote and finds
 * nothing left to do. Each migration's phase 1 is one transaction that also writes its ledger
 * row; index builds (CONCURRENTLY) and validations follow, and the row is marked applied with the
 * last of them, so an interrupted migration resumes where it stopped.
 */
import type { EntitySpec } from "../language/entity";
import { planMigration, type MigrationPlan, type MigrationStep } from "../compiler/migrations/plan";
import { checksum, DEFAULT_TIMEOUTS, renderPlanSql, stepsOfPhase, timeoutStatements, type Timeouts } from "../compiler/migrations/render";
import { CREATE_LEDGER, LEDGER_TABLE, MigrationIntegrityError, readLedger, withMigrationLock, type LedgerRow } from "./ledger";
import type { Database, Queryable } from "../database/types";
import { inTransaction } from "../database/transaction";
import { canonicalJson } from "../contracts/canonical-json";

export interface Migration {
  readonly id: string;
  readonly seq: number;
  readonly script: string;
  readonly checksum: string;
  readonly steps: readonly MigrationStep[];
  readonly entities: readonly EntitySpec[];
}

export function buildMigration(
  seq: number,
  plan: Pick<MigrationPlan, "steps">,
  entities: readonly EntitySpec[],
  timeouts: Timeouts = DEFAULT_TIMEOUTS,
): Migration {
  const script = renderPlanSql(plan, timeouts);
  const sum = checksum(`${script}\n${JSON.stringify(entities)}`);
  return {
    id: `${String(seq).padStart(4, "0")}_${sum.slice(0, 12)}`,
    seq,
    script,
    checksum: checksum(script),
    steps: plan.steps,
    entities,
  };
}

export class MigrationStepError extends Error {
  constructor(
    readonly step: MigrationStep,
    override readonly cause: unknown,
  ) {
    super(`migration step "${step.summary}" failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

async function run(db: Queryable, step: MigrationStep): Promise<void> {
  for (const sql of step.sql) {
    try {
      await db.query(sql);
    } catch (error) {
      throw new MigrationStepError(step, error);
    }
  }
}

function withTimeouts(db: Queryable, timeouts: Timeouts, body: () => Promise<void>): Promise<void> {
  return inTransaction(db, async (tx) => {
    for (const s of timeoutStatements(timeouts, true)) await tx.query(s);
    await body();
  });
}

/** Phases 2 and 3 of a migration whose phase 1 is committed. */
async function finish(db: Queryable, migration: Migration, timeouts: Timeouts): Promise<void> {
  const concurrent = stepsOfPhase(migration, "concurrent");
  if (concurrent.length) {
    for (const s of timeoutStatements(timeouts, false)) await db.query(s);
    try {
      for (const step of concurrent) {
        await dropInvalidIndexes(db, step);
        await run(db, step);
      }
    } finally {
      await db.query("RESET lock_timeout");
      await db.query("RESET statement_timeout");
    }
  }
  await withTimeouts(db, timeouts, async () => {
    for (const step of stepsOfPhase(migration, "validate")) await run(db, step);
    await db.query(`UPDATE "${LEDGER_TABLE}" SET "state" = 'applied', "applied_at" = now() WHERE "id" = $1`, [migration.id]);
  });
}

/** A CONCURRENTLY build that failed leaves an INVALID index behind; IF NOT EXISTS would keep it. */
async function dropInvalidIndexes(db: Queryable, step: MigrationStep): Promise<void> {
  for (const sql of step.sql) {
    const name = /INDEX CONCURRENTLY IF NOT EXISTS "((?:[^"]|"")+)"/.exec(sql)?.[1]?.replace(/""/g, '"');
    if (!name) continue;
    const { rows } = await db.query<{ valid: boolean }>(
      "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND n.nspname = current_schema()",
      [name],
    );
    if (rows[0] && !rows[0].valid) await db.query(`DROP INDEX CONCURRENTLY IF EXISTS "${name.replace(/"/g, '""')}"`);
  }
}

async function applyOne(db: Queryable, migration: Migration, timeouts: Timeouts): Promise<void> {
  const later = migration.steps.some((s) => s.phase !== "transaction");
  await withTimeouts(db, timeouts, async () => {
    await db.query(CREATE_LEDGER);
    for (const step of stepsOfPhase(migration, "transaction")) await run(db, step);
    await db.query(
      `INSERT INTO "${LEDGER_TABLE}" ("id", "seq", "checksum", "script", "entities", "state") VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        migration.id,
        migration.seq,
        migration.checksum,
        migration.script,
        JSON.stringify(migration.entities),
        later ? "pending" : "applied",
      ],
    );
  });
  if (later) await finish(db, migration, timeouts);
}

export { withMigrationLock };

export interface ApplyResult {
  readonly applied: string[];
  readonly skipped: string[];
}

/**
 * Applies an ordered list of migrations: known ids with the same checksum are skipped, a known id
 * with another checksum is a hard error, pending ones are finished, new ones are applied.
 */
export async function applyMigrations(
  db: Database,
  migrations: readonly Migration[],
  timeouts: Timeouts = DEFAULT_TIMEOUTS,
): Promise<ApplyResult> {
  return withMigrationLock(db, async (session) => {
    const ledger = new Map((await readLedger(session)).map((r) => [r.id, r]));
    const result: ApplyResult = { applied: [], skipped: [] };
    for (const migration of migrations) {
      const row = ledger.get(migration.id);
      if (row && row.checksum !== migration.checksum) {
        throw new MigrationIntegrityError(
          `migration ${migration.id} was applied with checksum ${row.checksum.slice(0, 12)}…, but its script now has ${migration.checksum.slice(0, 12)}…: an applied migration must never change`,
        );
      }
      if (row?.state === "applied") {
        result.skipped.push(migration.id);
        continue;
      }
      if (row) await finish(session, migration, timeouts);
      else await applyOne(session, migration, timeouts);
      result.applied.push(migration.id);
    }
    return result;
  });
}

export type MigrateOutcome =
  | { status: "invalid"; plan: MigrationPlan }
  | { status: "blocked"; plan: MigrationPlan }
  | { status: "up-to-date"; plan: MigrationPlan; resumed: string[] }
  | { status: "planned"; plan: MigrationPlan; migration: Migration }
  | { status: "applied"; plan: MigrationPlan; migration: Migration; resumed: string[] };

function migrationFromRow(row: LedgerRow, steps: readonly MigrationStep[]): Migration {
  return { id: row.id, seq: row.seq, script: row.script, checksum: row.checksum, steps, entities: row.entities };
}

/**
 * Brings the database to `entities`: under the lock, reads the ledger, plans from the last
 * deployed specs and applies. A blocked or invalid plan, or a dry run, touches nothing.
 */
export async function migrateToSpecs(
  db: Database,
  entities: readonly EntitySpec[],
  options: { dryRun?: boolean; timeouts?: Timeouts } = {},
): Promise<MigrateOutcome> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  return withMigrationLock(db, async (session) => {
    const ledger = await readLedger(session);
    const resumed: string[] = [];
    for (const [i, row] of ledger.entries()) {
      if (row.state !== "pending") continue;
      // Re-plan the pending migration from its predecessor: planning is deterministic.
      const plan = planMigration(ledger[i - 1]?.entities ?? [], row.entities);
      const migration = buildMigration(row.seq, plan, row.entities, timeouts);
      if (migration.checksum !== row.checksum)
        throw new MigrationIntegrityError(`pending migration ${row.id} cannot be resumed: its plan no longer matches what phase 1 applied`);
      if (!options.dryRun) await finish(session, migrationFromRow(row, plan.steps), timeouts);
      resumed.push(row.id);
    }
    const deployed = ledger.at(-1)?.entities ?? [];
    const plan = planMigration(deployed, entities);
    if (plan.problems.length) return { status: "invalid", plan };
    if (plan.blocked) return { status: "blocked", plan };
    const unchanged = canonicalJson(deployed) === canonicalJson(entities);
    if (unchanged) return { status: "up-to-date", plan, resumed };
    const migration = buildMigration((ledger.at(-1)?.seq ?? 0) + 1, plan, entities, timeouts);
    if (options.dryRun) return { status: "planned", plan, migration };
    await applyOne(session, migration, timeouts);
    return { status: "applied", plan, migration, resumed };
  });
}
