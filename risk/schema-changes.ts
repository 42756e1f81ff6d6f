/**
 * Schema-change risk: the migration steps from the last deployed specs (`--from`) to these, per
 * entity, judged by the schema-change rules (S001…). The migration planner and its rules belong
 * to the schema compiler (compiler/migrations/); this module is the one place the risk engine and
 * `fascia plan` reach them.
 *
 * INTEGRATION POINT: until compiler/migrations exports its planner and SCHEMA_CHANGE_RULES, this
 * reports `available: false` and `fascia plan --from` says so instead of inventing steps.
 */
import type { SpecSet } from "../spec/model";
import type { FindingLevel } from "./rule";

export interface SchemaFinding {
  rule: string;
  level: FindingLevel;
  message: string;
  hint: string;
  /** True when the entity's `allowDataLoss` (with its reason) accepts it. */
  acknowledged: boolean;
}

export interface EntityMigration {
  entity: string;
  /** Migration steps in order, as SQL. */
  steps: string[];
  findings: SchemaFinding[];
}

export interface SchemaChangeReport {
  available: boolean;
  entities: EntityMigration[];
  /** False when a Red step is not acknowledged. */
  deployable: boolean;
  note?: string;
}

export function planSchemaChanges(_previous: SpecSet, _next: SpecSet): SchemaChangeReport {
  return { available: false, entities: [], deployable: true, note: "migration planning (compiler/migrations) is not available in this build" };
}
