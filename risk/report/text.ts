/**
 * The report for a terminal: one block per tool (level, deployability, concurrency choice,
 * findings with hints and acknowledgment reasons, optionally the plan outline), then the summary
 * line. Colour only when asked (the CLI asks when stdout is a TTY).
 */
import { styleText } from "node:util";
import { planOutline } from "../../compiler/flow/outline";
import type { ToolAssessment } from "../engine";
import { summarize, summaryLine } from "../engine";
import type { RiskLevel } from "../rule";
import { findingLines, type FindingStyle } from "./finding";

export interface TextOptions {
  color: boolean;
  /** Print each tool's plan outline (fascia plan does; a bare risk report need not). */
  plans: boolean;
}

type Style = Parameters<typeof styleText>[0];
const LEVEL_STYLE: Record<RiskLevel, Style> = { red: ["red", "bold"], yellow: "yellow", green: "green" };
const FINDING_STYLE: Record<FindingStyle, Style> = { red: LEVEL_STYLE.red, yellow: LEVEL_STYLE.yellow, acknowledged: "dim" };

export function riskReportText(assessments: readonly ToolAssessment[], options: TextOptions): string {
  // The caller decides (the CLI asks for colour when its stdout is a TTY), so styleText must not
  // second-guess it by looking at process.stdout itself.
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const blocks = assessments.map((a) => toolBlock(a, options, paint));
  const summary = summarize(assessments);
  const verdict = summary.deployable ? "every tool may deploy" : `${assessments.filter((a) => !a.deployable).length} not deployable`;
  return [...blocks, `${summaryLine(summary)} (${verdict})`].join("\n\n") + "\n";
}

function toolBlock(a: ToolAssessment, options: TextOptions, paint: (style: Style, text: string) => string): string {
  const lines: string[] = [];
  const acked = a.findings.filter((f) => f.acknowledged).length;
  const deploy = a.deployable ? (acked > 0 ? `deployable (${acked} acknowledged)` : "deployable") : "NOT deployable";
  lines.push(
    `${paint("bold", a.name)}  ${paint(LEVEL_STYLE[a.risk], a.risk.toUpperCase())}  ${a.deployable ? deploy : paint(["red", "bold"], deploy)}`,
  );
  const c = a.compiled.plan.concurrency;
  lines.push(`  concurrency: ${c.strategy} — ${c.reason}`);
  for (const m of c.measures.slice(1)) lines.push(`               ${m.strategy} — ${m.reason}`);
  for (const f of a.findings) lines.push(...findingLines(f, { paint: (style, text) => paint(FINDING_STYLE[style], text) }));
  if (a.findings.length === 0) lines.push("  no findings");
  if (options.plans) {
    lines.push(
      a.compiled.plan.approximate ? "  plan (branch analysis approximate: too many branch combinations to enumerate):" : "  plan:",
    );
    for (const line of planOutline(a.compiled.plan)) lines.push(`    ${line}`);
  }
  return lines.join("\n");
}
