/**
 * A finding as people read it, one way everywhere: `fascia plan`, `fascia diff` and `migrate`,
 * the Pulumi errors and warnings of the components, the entity record's refusal, the executor's
 * migration job. Tool findings (R…, Y…, A…) and schema-change findings (S…) share the shape;
 * Markdown and JSON are other formats but take the same fields through `findingFields`.
 *
 *   R001 red at node save: <message: the consequence>
 *       hint: <the safe alternative>
 *   Y005 yellow at the tool: <message> [acknowledged]
 *       hint: <…>
 *       reason: <why it was acknowledged>
 *
 * A schema-change finding has no "at …": its message names the entity and field already.
 */
import type { Finding, FindingLevel } from "../rule";
import type { SchemaFinding } from "../schema-changes";

export type ReportedFinding = Finding | SchemaFinding;

/** What every format shows of a finding, in this order. */
export interface FindingFields {
  rule: string;
  level: FindingLevel;
  /** "at node <id>" or "at the tool" for a tool finding; undefined for a schema change. */
  where?: string;
  /** The node id alone (Markdown and JSON show it in its own column or key). */
  node?: string;
  message: string;
  hint: string;
  acknowledged: boolean;
  /** How it was accepted: a tool's `acknowledge`, or an entity's `allowDataLoss`. */
  acknowledgedBy: "acknowledged" | "allowDataLoss";
  reason?: string;
}

/** Schema-change findings carry their entity; tool findings a node or nothing. */
function isSchemaFinding(f: ReportedFinding): f is SchemaFinding {
  return "entity" in f;
}

export function findingFields(f: ReportedFinding): FindingFields {
  const schema = isSchemaFinding(f);
  const node = schema ? undefined : f.node;
  return {
    rule: f.rule,
    level: f.level,
    ...(schema ? {} : { where: node !== undefined ? `at node ${node}` : "at the tool" }),
    ...(node !== undefined ? { node } : {}),
    message: f.message,
    hint: f.hint,
    acknowledged: f.acknowledged,
    acknowledgedBy: schema ? "allowDataLoss" : "acknowledged",
    ...(f.acknowledged && f.reason ? { reason: f.reason } : {}),
  };
}

/** What a terminal may colour: the rule and level, and the acknowledgment mark. */
export type FindingStyle = FindingLevel | "acknowledged";

export interface FindingTextOptions {
  /** Put before the first line; the hint and reason lines go four spaces further in. */
  indent?: string;
  paint?: (style: FindingStyle, text: string) => string;
}

export function findingLines(finding: ReportedFinding, options: FindingTextOptions = {}): string[] {
  const f = findingFields(finding);
  const indent = options.indent ?? "  ";
  const paint = options.paint ?? ((_style: FindingStyle, text: string) => text);
  const where = f.where !== undefined ? ` ${f.where}` : "";
  const mark = f.acknowledged ? paint("acknowledged", ` [${f.acknowledgedBy}]`) : "";
  const lines = [`${indent}${paint(f.level, `${f.rule} ${f.level}`)}${where}: ${f.message}${mark}`, `${indent}    hint: ${f.hint}`];
  if (f.reason !== undefined) lines.push(`${indent}    reason: ${f.reason}`);
  return lines;
}

/** Several findings, one block: each as `findingLines` gives it. */
export function findingsText(findings: readonly ReportedFinding[], options: FindingTextOptions = {}): string {
  return findings.flatMap((f) => findingLines(f, options)).join("\n");
}
