/** The protocol's shapes of a loader diagnostic and of a Risk Engine finding, and the worst of several. */
import type { Diagnostic } from "../../loader/diagnostics";
import type { Finding } from "../../risk/rule";
import type { IndexedDocument } from "../app-index";
import type { RiskFinding, SpecProblem, Standing } from "../protocol";

export function specProblem(d: Diagnostic, node?: string): SpecProblem {
  const problem: SpecProblem = { file: d.file, line: d.line, col: d.col, code: d.code, message: d.message };
  if (d.expected !== undefined) problem.hint = `expected ${d.expected}`;
  if (node !== undefined) problem.node = node;
  return problem;
}

export function riskFinding(f: Finding): RiskFinding {
  const finding: RiskFinding = { rule: f.rule, level: f.level, message: f.message, hint: f.hint, acknowledged: f.acknowledged };
  if (f.node !== undefined) finding.node = f.node;
  return finding;
}

/** The diagnostics that fall inside a document's lines (a file may hold several documents). */
export function diagnosticsIn(doc: IndexedDocument, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.file === doc.file && d.line >= doc.lines[0] && d.line <= doc.lines[1]);
}

/** "invalid" when a problem points in; else the worst finding's level; green when there is none. */
export function standing(problems: readonly unknown[], findings: readonly { level: string }[]): Standing {
  if (problems.length > 0) return "invalid";
  if (findings.some((f) => f.level === "red")) return "red";
  if (findings.some((f) => f.level === "yellow")) return "yellow";
  return "green";
}
