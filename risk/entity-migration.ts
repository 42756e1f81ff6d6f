/**
 * Governance of one entity's schema change: the spec recorded at the last deploy against this one,
 * planned by the schema-change rules (through risk/schema-changes, the single door to the
 * migration planner). A Red change without the entity's `allowDataLoss` refuses the deploy with
 * the rule ids, messages and hints. Pure: no Pulumi imports; the dynamic provider's `check` calls
 * it with the previous and new inputs.
 */
import { planSchemaChanges, type SchemaFinding } from "./schema-changes";
import { findingsText } from "./report/finding";
import type { EntitySpec } from "../language/entity";
import { loadSpecObjects } from "../loader/load";
import type { SpecSet } from "../loader/model";

/**
 * Re-exported for the entity record's dynamic provider (provider/entity-spec-record.ts), whose
 * functions Pulumi serializes: a module they capture from an installed package is written as a
 * require of its package subpath, which package.json `exports` does not open, so they capture no
 * module and load this one by its absolute path instead.
 */
export { canonicalJson } from "../contracts/canonical-json";

/** What the record stores: the entity and the entities its relationships name (to compile it). */
export interface RecordedEntity {
  spec: EntitySpec;
  related: EntitySpec[];
}

export interface EntityMigrationSummary {
  /** False while the migration planner is not part of this build. */
  planned: boolean;
  steps: string[];
  findings: SchemaFinding[];
  note?: string;
}

export interface EntityChangeJudgement {
  refused: boolean;
  summary: EntityMigrationSummary;
  /** Set when refused: the report the user reads. */
  message?: string;
}

function specSet(entity: RecordedEntity, label: string): SpecSet {
  const loaded = loadSpecObjects([...entity.related, entity.spec], label);
  // The recorded spec passed validation when it was deployed; a spec from an older Fascia that
  // no longer validates is still compared as well as it loads.
  return loaded.specs;
}

/** `previous` is undefined on the first deploy: creating tables is never destructive. */
export function judgeEntityChange(previous: RecordedEntity | undefined, next: RecordedEntity): EntityChangeJudgement {
  const name = next.spec.name;
  const before: RecordedEntity = previous ?? { spec: next.spec, related: next.related };
  const beforeSet = previous ? specSet(before, `recorded ${name}`) : withoutEntity(specSet(next, name), name);
  const report = planSchemaChanges(beforeSet, specSet(next, name));
  if (!report.available) {
    return {
      refused: false,
      summary: { planned: false, steps: [], findings: [], note: report.note ?? "migration planning is not available" },
    };
  }
  const mine = report.entities.filter((e) => e.entity === name || (previous !== undefined && e.entity === previous.spec.name));
  const steps = mine.flatMap((e) => e.steps);
  const findings = mine.flatMap((e) => e.findings);
  const summary: EntityMigrationSummary = { planned: true, steps, findings };
  const blocking = findings.filter((f) => f.level === "red" && !f.acknowledged);
  if (blocking.length === 0) return { refused: false, summary };
  return {
    refused: true,
    summary,
    message:
      `entity ${name}: the migration from the deployed spec is RED (${[...new Set(blocking.map((f) => f.rule))].join(", ")}) and would lose data or fail:\n${findingsText(blocking)}\n` +
      `  accept it with \`allowDataLoss: { reason: "…" }\` on the entity, or keep the old field/entity`,
  };
}

function withoutEntity(specs: SpecSet, name: string): SpecSet {
  const entities = new Map(specs.entities);
  entities.delete(name);
  return { ...specs, entities };
}
