/** The report as a pull-request comment: a summary table, then each tool that has findings. */
import type { ToolAssessment } from "../engine";
import { summarize, summaryLine } from "../engine";
import type { RiskLevel } from "../rule";
import { findingFields } from "./finding";

const BADGE: Record<RiskLevel, string> = { green: "🟢 green", yellow: "🟡 yellow", red: "🔴 red" };

/** Table cells may not hold raw pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function riskReportMarkdown(assessments: readonly ToolAssessment[]): string {
  const summary = summarize(assessments);
  const out: string[] = [];
  out.push("## Fascia risk report", "");
  out.push(`**${summaryLine(summary)}** — ${summary.deployable ? "✅ every tool may deploy" : "⛔ not deployable"}`, "");
  out.push("| Tool | Risk | Deployable | Concurrency | Findings |", "|---|---|---|---|---|");
  for (const a of assessments) {
    const acked = a.findings.filter((f) => f.acknowledged).length;
    const findings = a.findings.length === 0 ? "none" : `${a.findings.length}${acked > 0 ? ` (${acked} acknowledged)` : ""}`;
    out.push(
      `| \`${a.name}\` | ${BADGE[a.risk]} | ${a.deployable ? "yes" : "**no**"} | ${a.compiled.plan.concurrency.strategy} | ${findings} |`,
    );
  }
  for (const a of assessments.filter((t) => t.findings.length > 0)) {
    out.push("", `### \`${a.name}\` — ${BADGE[a.risk]}`, "");
    out.push("| Rule | Level | Node | Finding | Hint | Acknowledged |", "|---|---|---|---|---|---|");
    for (const f of a.findings.map(findingFields)) {
      const ack = f.acknowledged ? `yes: ${cell(f.reason ?? "")}` : "**no**";
      out.push(
        `| ${f.rule} | ${f.level} | ${f.node !== undefined ? `\`${f.node}\`` : "—"} | ${cell(f.message)} | ${cell(f.hint)} | ${ack} |`,
      );
    }
  }
  return out.join("\n") + "\n";
}
