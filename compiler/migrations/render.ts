/**
 * A plan as the SQL script it runs, and its checksum. The script shows the phases as they are
 * applied: one transaction with timeouts, the index builds outside it, the validating transaction.
 */
import { createHash } from "node:crypto";
import type { MigrationPlan, MigrationStep } from "./plan";
import type { Phase } from "./steps";

export interface Timeouts {
  /** How long a statement may wait for a lock before the migration gives up (never queue writers behind it). */
  readonly lockTimeout: string;
  readonly statementTimeout: string;
}

export const DEFAULT_TIMEOUTS: Timeouts = { lockTimeout: "5s", statementTimeout: "15min" };

export function stepsOfPhase(plan: Pick<MigrationPlan, "steps">, phase: Phase): MigrationStep[] {
  return plan.steps.filter((s) => s.phase === phase);
}

export function timeoutStatements(timeouts: Timeouts, local: boolean): string[] {
  const scope = local ? "SET LOCAL" : "SET";
  return [
    `${scope} lock_timeout = '${timeouts.lockTimeout.replace(/'/g, "")}';`,
    `${scope} statement_timeout = '${timeouts.statementTimeout.replace(/'/g, "")}';`,
  ];
}

function comment(step: MigrationStep): string {
  const marks = [step.lock === "long" ? "locks the table while it runs" : "", step.rewrite ? "rewrites the table" : ""].filter(Boolean);
  return `-- ${step.summary}${marks.length ? ` [${marks.join(", ")}]` : ""}`;
}

export function renderPlanSql(plan: Pick<MigrationPlan, "steps">, timeouts: Timeouts = DEFAULT_TIMEOUTS): string {
  const parts: string[] = [];
  const tx = (phase: Phase, title: string) => {
    const steps = stepsOfPhase(plan, phase);
    if (!steps.length) return;
    parts.push(`-- ${title}`, "BEGIN;", ...timeoutStatements(timeouts, true), ...steps.flatMap((s) => [comment(s), ...s.sql]), "COMMIT;");
  };
  tx("transaction", "phase 1: one transaction, all or nothing");
  const concurrent = stepsOfPhase(plan, "concurrent");
  if (concurrent.length)
    parts.push(
      "-- phase 2: index builds, outside any transaction (CONCURRENTLY)",
      ...timeoutStatements(timeouts, false),
      ...concurrent.flatMap((s) => [comment(s), ...s.sql]),
    );
  tx("validate", "phase 3: validate what phase 1 added NOT VALID");
  return parts.length ? `${parts.join("\n")}\n` : "";
}

export function checksum(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
