/** The machine-readable report, in exactly the shape risk-rules.md gives for tools[]. */
import type { ToolAssessment } from "../engine";
import { summarize, type RiskSummary } from "../engine";
import type { Finding, RiskLevel } from "../rule";
import { findingFields } from "./finding";

/** A finding as the JSON contract has it: everything but the acknowledgment's reason. */
export type FindingJson = Omit<Finding, "reason">;

export interface ToolRiskJson {
  name: string;
  risk: RiskLevel;
  deployable: boolean;
  findings: FindingJson[];
}

export interface RiskReportJson {
  tools: ToolRiskJson[];
  summary: RiskSummary;
}

export function toolRiskJson(a: ToolAssessment): ToolRiskJson {
  return {
    name: a.name,
    risk: a.risk,
    deployable: a.deployable,
    findings: a.findings.map(findingJson),
  };
}

/** The fields every report shows, less what the JSON contract leaves out (where, reason). */
function findingJson(finding: Finding): FindingJson {
  const f = findingFields(finding);
  return {
    rule: f.rule,
    level: f.level,
    ...(f.node !== undefined ? { node: f.node } : {}),
    message: f.message,
    hint: f.hint,
    acknowledged: f.acknowledged,
  };
}

export function riskReportJson(assessments: readonly ToolAssessment[]): RiskReportJson {
  return { tools: assessments.map(toolRiskJson), summary: summarize(assessments) };
}
