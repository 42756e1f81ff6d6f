/**
 * What this executor runs and what its database has applied: the plan hash, the tools with their
 * routes and risk levels, the entities, the app's migration ledger and the executor's own.
 */
import type { Queryable } from "../../database/types";
import type { DeploymentState } from "../../contracts/operator-api";
import { LEDGER_TABLE } from "../../migrate/ledger";
import { manifestPlanHash } from "../app/manifest";
import type { RuntimeApp } from "../app/runtime-app";
import { EXECUTOR_LEDGER } from "../store/executor-schema";

/**
 * Deploying stays `pulumi up` from the user's project (the Console holds no cloud credentials):
 * `--diff` shows what a change of specs or settings would replace before anything is applied.
 */
export const DEPLOY_COMMANDS = { preview: "pulumi preview --diff", up: "pulumi up" } as const;

export async function deploymentState(db: Queryable, app: RuntimeApp): Promise<DeploymentState> {
  const { manifest } = app;
  const tools = [...app.tools.values()].map((tool) => {
    const risk = manifest.risk[tool.name];
    return {
      name: tool.name,
      trigger: tool.route.kind,
      method: tool.route.method,
      path: tool.route.path,
      risk: risk?.level ?? "unknown",
      deployable: risk?.deployable ?? false,
    };
  });
  return {
    planHash: manifestPlanHash(manifest),
    app: appName(manifest.source),
    tools,
    entities: manifest.specs.entities.map((e) => e.name),
    migrations: await appMigrations(db),
    executorMigrations: await executorMigrations(db),
    commands: { ...DEPLOY_COMMANDS },
  };
}

/** The manifest's source folder's last segment, as the OpenAPI document's title names the app. */
export function appName(source: string): string {
  return source.split(/[\\/]/).filter(Boolean).pop() ?? "app";
}

async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>("SELECT to_regclass($1)::text AS found", [table]);
  return rows[0]?.found != null;
}

/** Read without the scripts (readLedger's checksum check is the migration job's; here only what was applied). */
async function appMigrations(db: Queryable): Promise<DeploymentState["migrations"]> {
  if (!(await tableExists(db, LEDGER_TABLE))) return [];
  const { rows } = await db.query<{ id: string; seq: number | string; state: string; entities: unknown }>(
    `SELECT "id", "seq", "state", "entities" FROM "${LEDGER_TABLE}" ORDER BY "seq"`,
  );
  return rows.map((r) => {
    const entities = (typeof r.entities === "string" ? JSON.parse(r.entities) : r.entities) as { name: string }[];
    return { id: r.id, seq: Number(r.seq), state: r.state, entities: entities.map((e) => e.name) };
  });
}

async function executorMigrations(db: Queryable): Promise<DeploymentState["executorMigrations"]> {
  if (!(await tableExists(db, EXECUTOR_LEDGER))) return [];
  const { rows } = await db.query<{ id: string; applied_at: Date | string }>(
    `SELECT "id", "applied_at" FROM "${EXECUTOR_LEDGER}" ORDER BY "id"`,
  );
  return rows.map((r) => ({ id: r.id, appliedAt: new Date(r.applied_at).toISOString() }));
}
