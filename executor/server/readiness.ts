/**
 * GET /readyz: the database answers and holds what this manifest needs — the app's migrations
 * applied up to exactly these entity specs, and the executor's own tables.
 */
import { readLedger } from "../../migrate/ledger";
import type { Queryable } from "../../database/types";
import { canonicalJson } from "../../contracts/canonical-json";
import type { RuntimeApp } from "../app/runtime-app";
import { executorMigrationsApplied } from "../store/executor-schema";

export type Readiness = { ready: true } | { ready: false; reason: string };

export async function checkReadiness(conn: Queryable, app: RuntimeApp): Promise<Readiness> {
  try {
    await conn.query("SELECT 1");
  } catch (error) {
    return { ready: false, reason: `the database does not answer: ${(error as Error).message}` };
  }
  try {
    const ledger = await readLedger(conn);
    const last = ledger.at(-1);
    if (!last) return { ready: false, reason: "no migration has been applied to this database" };
    if (ledger.some((row) => row.state !== "applied"))
      return { ready: false, reason: "a migration is still pending (index builds or validations not finished)" };
    if (byName(last.entities) !== byName(app.manifest.specs.entities))
      return { ready: false, reason: "the database's schema is not the one of this app's entities: apply its migration" };
    if (!(await executorMigrationsApplied(conn)))
      return { ready: false, reason: "the executor's tables (idempotency, audit) are not created" };
  } catch (error) {
    return { ready: false, reason: `the migration ledger cannot be read: ${(error as Error).message}` };
  }
  return { ready: true };
}

function byName(entities: readonly { name: string }[]): string {
  return canonicalJson([...entities].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
}
