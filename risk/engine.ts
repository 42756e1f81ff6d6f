/**
 * The Risk Engine: every rule over every compiled tool, at design time (no database, no cloud).
 * A tool's risk is its worst finding; it may deploy when it has no Red finding and every Yellow
 * finding is acknowledged.
 */
import { compileTool, type CompiledTool } from "../compiler/flow/compile";
import type { EntitySpec } from "../language/entity";
import type { SpecSet } from "../loader/model";
import { applyAcknowledgments } from "./acknowledgments";
import type { Finding, RiskLevel } from "./rule";
import { TOOL_RULE_LIST } from "./rules";

export interface ToolAssessment {
  name: string;
  risk: RiskLevel;
  deployable: boolean;
  findings: Finding[];
  compiled: CompiledTool;
}

export interface RiskSummary {
  tools: number;
  green: number;
  yellow: number;
  red: number;
  /** True when every tool may deploy. */
  deployable: boolean;
}

export function assessTool(compiled: CompiledTool): ToolAssessment {
  const raw: Finding[] = [];
  for (const rule of TOOL_RULE_LIST) {
    for (const hit of rule.check(compiled)) {
      const finding: Finding = { rule: rule.id, level: rule.level, message: hit.message, hint: rule.hint, acknowledged: false };
      if (hit.node !== undefined) finding.node = hit.node;
      raw.push(finding);
    }
  }
  const findings = sortFindings(compiled, applyAcknowledgments(compiled.spec, raw));
  return { name: compiled.spec.name, risk: worstLevel(findings), deployable: isDeployable(findings), findings, compiled };
}

export function assessSpecs(specs: SpecSet): ToolAssessment[] {
  const entities = entityMap(specs);
  return [...specs.tools.values()].map((t) => assessTool(compileTool(t.spec, entities))).sort((a, b) => a.name.localeCompare(b.name));
}

export function entityMap(specs: SpecSet): Map<string, EntitySpec> {
  return new Map([...specs.entities].map(([name, e]) => [name, e.spec]));
}

export function worstLevel(findings: readonly Finding[]): RiskLevel {
  if (findings.some((f) => f.level === "red")) return "red";
  if (findings.some((f) => f.level === "yellow")) return "yellow";
  return "green";
}

export function isDeployable(findings: readonly Finding[]): boolean {
  return findings.every((f) => f.level === "yellow" && f.acknowledged);
}

export function summarize(assessments: readonly { risk: RiskLevel; deployable: boolean }[]): RiskSummary {
  const count = (level: RiskLevel) => assessments.filter((a) => a.risk === level).length;
  return {
    tools: assessments.length,
    green: count("green"),
    yellow: count("yellow"),
    red: count("red"),
    deployable: assessments.every((a) => a.deployable),
  };
}

export function summaryLine(summary: RiskSummary): string {
  return `${summary.tools} ${summary.tools === 1 ? "tool" : "tools"}: ${summary.green} green, ${summary.yellow} yellow, ${summary.red} red`;
}

/** Tool-level findings first, then by the node's place in the run order, then by rule id. */
function sortFindings(compiled: CompiledTool, findings: Finding[]): Finding[] {
  const position = new Map(compiled.plan.order.map((id, i) => [id, i]));
  const rank = (f: Finding) => (f.node === undefined ? -1 : (position.get(f.node) ?? compiled.plan.order.length));
  return [...findings].sort((a, b) => rank(a) - rank(b) || a.rule.localeCompare(b.rule));
}
