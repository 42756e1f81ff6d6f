/**
 * Schema-change risk for `fascia plan --from`: the migration from the last deployed specs to these,
 * grouped per entity, with the findings of the schema-change rules (S001…). The planner and its
 * rules belong to the schema compiler (compiler/migrations/, whose planMigration runs every rule
 * of SCHEMA_CHANGE_RULES on every change); this module is the one place the Risk Engine reaches
 * them, and only regroups what the planner decided.
 */
import { planMigration, type MigrationStep, type SchemaFinding } from "../compiler/migrations";
import { entityList, type SpecSet } from "../loader/model";

export type { SchemaFinding };

export interface EntityMigration {
  /** The entity's name; "(database)" for steps of no one entity (extensions). */
  entity: string;
  /** Each step as people read it: its summary, with phase, long lock or rewrite noted. */
  steps: string[];
  /** The SQL the steps run, in order (lock_timeout/statement_timeout are added when applied). */
  sql: string[];
  findings: SchemaFinding[];
}

export interface SchemaChangeReport {
  /** Always true in this build (the planner is part of it); kept for callers written before it was. */
  available: true;
  note?: string;
  entities: EntityMigration[];
  /** The new entities cannot be compiled to a schema (the plan is unusable). */
  problems: string[];
  /** False when a Red change is not accepted by the entity's `allowDataLoss`, or on problems. */
  deployable: boolean;
}

export function planSchemaChanges(previous: SpecSet, next: SpecSet): SchemaChangeReport {
  const plan = planMigration(entityList(previous), entityList(next));
  const byEntity = new Map<string, EntityMigration>();
  const entry = (entity: string) => {
    const name = entity === "" ? "(database)" : entity;
    let found = byEntity.get(name);
    if (!found) byEntity.set(name, (found = { entity: name, steps: [], sql: [], findings: [] }));
    return found;
  };
  for (const step of plan.steps) {
    const e = entry(step.entity);
    e.steps.push(`${step.summary}${marks(step)}`);
    e.sql.push(...step.sql);
  }
  for (const finding of plan.findings) entry(finding.entity).findings.push(finding);
  const problems = plan.problems.map((p) => `${p.entity}: ${p.message}`);
  return { available: true, entities: [...byEntity.values()], problems, deployable: !plan.blocked && problems.length === 0 };
}

function marks(step: MigrationStep): string {
  const notes = [
    step.phase !== "transaction" ? step.phase : "",
    step.lock === "long" ? "locks the table while it runs" : "",
    step.rewrite ? "rewrites the table" : "",
  ].filter(Boolean);
  return notes.length > 0 ? `  [${notes.join("; ")}]` : "";
}
