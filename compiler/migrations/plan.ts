/**
 * The migration planner: deployed entities + new entities → ordered steps with their risk.
 * Pure (no database): the same plan is printed by `fascia diff`, applied by `fascia migrate`.
 */
import type { EntitySpec } from "../../language/entity";
import { compileEntities } from "../schema/compile";
import { createExtensions } from "../schema/ddl";
import type { ExecutorInvariant, RelationalModel, SchemaProblem } from "../schema/model";
import type { Change } from "./changes";
import { diffModels } from "./diff";
import { applyRenames, findRenames } from "./renames";
import { SCHEMA_CHANGE_RULES, type SchemaFinding } from "./rules";
import { stepsFor, type LockImpact, type Phase } from "./steps";

export interface MigrationStep {
  readonly phase: Phase;
  readonly entity: string;
  readonly summary: string;
  readonly sql: readonly string[];
  readonly lock: LockImpact;
  readonly rewrite: boolean;
  readonly findings: readonly SchemaFinding[];
  /**
   * Which planned change the step comes from (an index, set by planMigration; absent for the
   * extensions of a first migration). The steps of one change — an ADD … NOT VALID and its
   * VALIDATE — share it, and the change's findings are on the first of them, so a statement can
   * be traced back to the findings of its change (as the Squawk cross-check does).
   */
  readonly change?: number;
}

export interface MigrationPlan {
  readonly steps: readonly MigrationStep[];
  readonly findings: readonly SchemaFinding[];
  /** A Red finding without `allowDataLoss`: the plan must not be applied. */
  readonly blocked: boolean;
  /** Problems compiling the new entities: the plan is not usable at all. */
  readonly problems: readonly SchemaProblem[];
  readonly model: RelationalModel;
  readonly executorInvariants: readonly { entity: string; invariant: ExecutorInvariant }[];
}

const PHASES: readonly Phase[] = ["transaction", "concurrent", "validate"];

export function planMigration(deployed: readonly EntitySpec[], next: readonly EntitySpec[]): MigrationPlan {
  const renamedSpecs = applyRenames(deployed, findRenames(deployed, next));
  const before = compileEntities(deployed).model;
  const renamed = compileEntities(renamedSpecs).model;
  const after = compileEntities(next);
  const changes = diffModels(before, renamed, after.model, renamedSpecs, next);
  const oldByName = new Map(renamedSpecs.map((e) => [e.name, e]));
  const newByName = new Map(next.map((e) => [e.name, e]));
  const acknowledgment = (change: Change) => {
    const spec = (change.kind === "dropTable" ? oldByName : newByName).get(change.entity);
    return spec?.allowDataLoss?.reason;
  };
  const drafts = changes.flatMap((change, index) => {
    const reason = acknowledgment(change);
    const findings: SchemaFinding[] = SCHEMA_CHANGE_RULES.flatMap((rule) => {
      const message = rule.check(change);
      if (message === undefined) return [];
      const acknowledged = rule.level === "red" && reason !== undefined;
      return [
        {
          rule: rule.id,
          level: rule.level,
          entity: change.entity,
          message,
          hint: rule.hint,
          acknowledged,
          ...(acknowledged ? { reason } : {}),
        },
      ];
    });
    const steps = stepsFor(change);
    // A change with no SQL of its own (a removed enum value) reports through the first step of its table.
    return steps.length
      ? steps.map((s, i) => ({ ...s, index, entity: change.entity, findings: i === 0 ? findings : [] }))
      : [
          {
            phase: "transaction" as Phase,
            order: 13,
            summary: "",
            sql: [],
            lock: "none" as LockImpact,
            rewrite: false,
            index,
            entity: change.entity,
            findings,
          },
        ];
  });
  if (deployed.length === 0 && next.length > 0) {
    // The first migration installs what the schema needs (btree_gist for noOverlap).
    drafts.unshift({
      phase: "transaction",
      order: -1,
      summary: "install extensions",
      sql: createExtensions(after.model),
      lock: "none",
      rewrite: false,
      index: -1,
      entity: "",
      findings: [],
    });
  }
  const sorted = drafts
    .map((d, position) => ({ d, position }))
    .sort((a, b) => PHASES.indexOf(a.d.phase) - PHASES.indexOf(b.d.phase) || a.d.order - b.d.order || a.position - b.position)
    .map(({ d }) => d);
  const orphanFindings = sorted.filter((d) => d.sql.length === 0).flatMap((d) => d.findings);
  const steps: MigrationStep[] = sorted
    .filter((d) => d.sql.length > 0)
    .map((d) => ({
      phase: d.phase,
      entity: d.entity,
      summary: d.summary,
      sql: d.sql,
      lock: d.lock,
      rewrite: d.rewrite,
      findings: d.findings,
      ...(d.index >= 0 ? { change: d.index } : {}),
    }));
  const findings = [...steps.flatMap((s) => s.findings), ...orphanFindings];
  return {
    steps,
    findings,
    blocked: findings.some((f) => f.level === "red" && !f.acknowledged),
    problems: after.problems,
    model: after.model,
    executorInvariants: after.model.tables.flatMap((t) => t.executorInvariants.map((invariant) => ({ entity: t.entity, invariant }))),
  };
}
