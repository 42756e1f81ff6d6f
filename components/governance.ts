/**
 * Deployment governance for one tool: Red, or Yellow with an unacknowledged finding, refuses the
 * deployment; an acknowledged Yellow passes with a warning. The verdict carries the message the
 * component throws (or logs): every finding with its rule id, node, consequence and hint. Pure:
 * no Pulumi imports; the component turns a refusal into a ResourceError.
 */
import { assessTool, entityMap, type ToolAssessment } from "../risk/engine";
import { findingsText } from "../risk/report/finding";
import { compileTool } from "../compiler/flow/compile";
import type { SpecSet } from "../loader/model";

export type Verdict = "deploy" | "warn" | "refuse";

export interface ToolGovernance {
  verdict: Verdict;
  assessment: ToolAssessment;
  /** Set for `warn` and `refuse`: what the user reads. */
  message?: string;
}

export function assessToolIn(specs: SpecSet, toolName: string): ToolAssessment {
  const tool = specs.tools.get(toolName);
  if (!tool) throw new Error(`tool ${toolName} is not among the specs`);
  return assessTool(compileTool(tool.spec, entityMap(specs)));
}

export function governTool(assessment: ToolAssessment): ToolGovernance {
  const blocking = assessment.findings.filter((f) => !f.acknowledged);
  if (!assessment.deployable) {
    const reds = blocking.filter((f) => f.level === "red").map((f) => f.rule);
    const why =
      reds.length > 0
        ? `is RED (${[...new Set(reds)].join(", ")}): Red findings must be fixed before deployment`
        : `is YELLOW with ${blocking.length} unacknowledged ${blocking.length === 1 ? "finding" : "findings"}: fix ${blocking.length === 1 ? "it" : "them"} or add \`acknowledge: [{ rule, node, reason }]\` to the tool`;
    return {
      verdict: "refuse",
      assessment,
      message: `tool ${assessment.name} may not deploy: it ${why}\n${findingsText(assessment.findings)}`,
    };
  }
  if (assessment.findings.length > 0) {
    return {
      verdict: "warn",
      assessment,
      message: `tool ${assessment.name} is YELLOW, deployed with acknowledged findings:\n${findingsText(assessment.findings)}`,
    };
  }
  return { verdict: "deploy", assessment };
}

/**
 * The refusal of a whole spec set, or undefined when every tool may deploy: how many tools may
 * not, then each one's message. What FasciaDeployment and FasciaExecutorImage throw.
 */
export function specSetRefusal(assessments: readonly ToolAssessment[]): string | undefined {
  const refused = assessments.map(governTool).filter((g) => g.verdict === "refuse");
  if (refused.length === 0) return undefined;
  return `${refused.length} of ${assessments.length} tools may not deploy:\n${refused.map((g) => g.message).join("\n")}`;
}
