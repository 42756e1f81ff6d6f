/** What `fascia sql`, `diff` and `migrate` share: loading entities, and printing plans and problems. */
import { existsSync } from "node:fs";
import { loadSpecDir } from "../../loader/load";
import { entityList, type SpecSet } from "../../loader/model";
import type { EntitySpec } from "../../language/entity";
import type { SchemaProblem } from "../../compiler/schema/model";
import type { MigrationPlan } from "../../compiler/migrations/plan";
import { findingLines } from "../../risk/report/finding";
import type { CliIO } from "../io";
import { printSpecErrors } from "./spec-errors";

/** The entities of a spec directory, or undefined after printing why they cannot be used. */
export function loadEntities(
  command: string,
  dir: string,
  io: CliIO,
): { entities: EntitySpec[]; specs: SpecSet } | { usage: true } | undefined {
  if (!existsSync(dir)) {
    io.err(`fascia ${command}: ${dir} does not exist`);
    return { usage: true };
  }
  const result = loadSpecDir(dir);
  if (!result.ok) {
    printSpecErrors(io, result.diagnostics, dir);
    return undefined;
  }
  return { entities: entityList(result.specs), specs: result.specs };
}

export function formatProblem(problem: SchemaProblem, specs: SpecSet): string {
  const doc = specs.entities.get(problem.entity)?.doc;
  const at = doc ? doc.locate([...problem.path]) : { file: problem.entity, line: 1, col: 1 };
  return `${at.file}:${at.line}:${at.col}: error: ${problem.entity}: ${problem.message}`;
}

export function formatPlan(plan: MigrationPlan): string[] {
  const lines: string[] = [];
  if (plan.steps.length === 0) lines.push("No schema changes.");
  plan.steps.forEach((step, i) => {
    const marks = [
      step.phase !== "transaction" ? step.phase : "",
      step.lock === "long" ? "locks the table while it runs" : "",
      step.rewrite ? "rewrites the table" : "",
    ].filter(Boolean);
    lines.push(`${String(i + 1).padStart(3)}. ${step.summary}${marks.length ? `  [${marks.join("; ")}]` : ""}`);
  });
  if (plan.findings.length) lines.push("", "Risk:");
  for (const f of plan.findings) lines.push(...findingLines(f));
  if (plan.executorInvariants.length) {
    lines.push("", "Invariants the executor enforces before commit (outside the SQL subset):");
    for (const { entity, invariant } of plan.executorInvariants) lines.push(`  ${entity}.${invariant.name}: ${invariant.reason}`);
  }
  const red = plan.findings.filter((f) => f.level === "red" && !f.acknowledged).length;
  lines.push(
    "",
    plan.blocked
      ? `Blocked: ${red} Red ${red === 1 ? "change needs" : "changes need"} \`allowDataLoss: { reason }\` on the entity, or a different change.`
      : "Plan: allowed.",
  );
  return lines;
}

export function planJson(plan: MigrationPlan): unknown {
  return {
    blocked: plan.blocked,
    steps: plan.steps.map((s) => ({
      phase: s.phase,
      entity: s.entity,
      summary: s.summary,
      lock: s.lock,
      rewrite: s.rewrite,
      sql: s.sql,
      findings: s.findings,
    })),
    findings: plan.findings,
    executorInvariants: plan.executorInvariants.map(({ entity, invariant }) => ({
      entity,
      name: invariant.name,
      reason: invariant.reason,
    })),
  };
}
