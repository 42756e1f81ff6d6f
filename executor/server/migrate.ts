/**
 * FASCIA_RUN=migrate, the deployment's migration Cloud Run job: brings the database to the
 * manifest's entities (database/ migrateToSpecs: the ledger, the planner, the applier) and creates
 * or updates the executor's own tables (applyExecutorMigrations). Each runs under the migration
 * advisory lock; a second run finds both up to date and changes nothing. Anything that stops the
 * migration is a MigrationRunError whose message says what and why, for the job's log.
 */
import { migrateToSpecs } from "../../migrate/apply";
import type { Database } from "../../database/types";
import { findingsText } from "../../risk/report/finding";
import { readManifest } from "../app/manifest";
import { applyExecutorMigrations } from "../store/executor-schema";
import { loadMigrationConfig } from "./config";
import { checkPlanHash, type PlanCheck } from "./plan-check";
import { openExecutorDatabase } from "./open-database";
import { grantRuntimeRole, type RuntimeGrant } from "./runtime-role";

export class MigrationRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationRunError";
  }
}

export interface MigrationRun {
  /** The database, without credentials. */
  database: string;
  /** `applied <id>`, or `up to date`. */
  app: string;
  /** Interrupted app migrations finished first (index builds, validations). */
  resumed: string[];
  /** Executor migrations applied by this run (empty when already there). */
  executor: string[];
  /** The manifest's plan hash, and whether FASCIA_PLAN_HASH was there to compare it with. */
  plan: PlanCheck;
  /** What the service's database user was granted; absent when FASCIA_DB_RUNTIME_USER is unset (one user, locally). */
  runtime?: RuntimeGrant;
}

export async function runMigrations(env: NodeJS.ProcessEnv = process.env): Promise<MigrationRun> {
  const config = loadMigrationConfig(env);
  const manifest = readManifest(config.manifestPath);
  // Refused before connecting: the database never sees a schema the deployment did not govern.
  const plan = checkPlanHash(manifest, config.manifestPath, env);
  // One connection: the advisory lock is held on it; nothing else runs in this process.
  const db = await openExecutorDatabase(config.databaseUrl, 1);
  try {
    const run = await migrate(db, manifest.specs.entities, manifest.source);
    // After the migration, so the tables it just made are granted before the new revision serves.
    const runtime = config.runtimeUser !== undefined ? await grantRuntimeRole(db, config.runtimeUser) : undefined;
    return { ...run, plan, ...(runtime ? { runtime } : {}) };
  } finally {
    await db.close();
  }
}

async function migrate(db: Database, entities: Parameters<typeof migrateToSpecs>[1], source: string): Promise<Omit<MigrationRun, "plan">> {
  const outcome = await migrateToSpecs(db, entities);
  const resumed = "resumed" in outcome ? outcome.resumed : [];
  let app: string;
  switch (outcome.status) {
    case "invalid":
      throw new MigrationRunError(
        `the entities of ${source} cannot be compiled, nothing was applied:\n${outcome.plan.problems.map((p) => `  - ${p.entity} ${p.path.join(".")}: ${p.message}`).join("\n")}`,
      );
    case "blocked": {
      const red = outcome.plan.findings.filter((f) => f.level === "red" && !f.acknowledged);
      throw new MigrationRunError(
        `the migration of ${db.label} to ${source} is blocked, nothing was applied; each Red change needs \`allowDataLoss: { reason }\` on its entity:\n${findingsText(red)}`,
      );
    }
    case "planned":
      throw new MigrationRunError("a dry run was planned where a migration was expected");
    case "up-to-date":
      app = "up to date";
      break;
    case "applied":
      app = `applied ${outcome.migration.id}`;
      break;
  }
  const executor = await applyExecutorMigrations(db);
  return { database: db.label, app, resumed, executor };
}
