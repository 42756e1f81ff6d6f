/**
 * The shape of a risk rule and of what it finds. A rule is a pure check over a compiled tool: it
 * returns where it fires and a message stating the consequence; the hint (the safe alternative)
 * and the level belong to the rule, so every finding of one rule reads the same way.
 */
import type { CompiledTool } from "../compiler/flow/compile";

/** A finding's level. A tool with no finding is green. */
export type FindingLevel = "red" | "yellow";
export type RiskLevel = "green" | FindingLevel;

export interface RuleHit {
  /** The node concerned; absent for a finding about the whole tool. */
  node?: string;
  message: string;
}

export interface ToolRule<Id extends string = string> {
  readonly id: Id;
  readonly level: FindingLevel;
  /** One line naming what the rule finds, as in risk-rules.md. */
  readonly title: string;
  /** How to fix it. */
  readonly hint: string;
  check(tool: CompiledTool): RuleHit[];
}

export interface Finding {
  rule: string;
  level: FindingLevel;
  node?: string;
  message: string;
  hint: string;
  acknowledged: boolean;
  /** The acknowledgment's reason, when there is one (shown to people; not part of the JSON contract). */
  reason?: string;
}
