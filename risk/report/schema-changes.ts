/** Migration steps per entity (fascia plan --from), for the terminal and for a pull request. */
import type { SchemaChangeReport } from "../schema-changes";
import { findingFields, findingLines } from "./finding";

export function schemaChangesText(report: SchemaChangeReport): string {
  const lines: string[] = ["migrations:"];
  for (const p of report.problems) lines.push(`  problem: ${p}`);
  if (report.entities.length === 0 && report.problems.length === 0) lines.push("  no schema changes");
  for (const e of report.entities) {
    lines.push(`  ${e.entity}`);
    for (const step of e.steps) lines.push(`    ${step}`);
    for (const f of e.findings) lines.push(...findingLines(f, { indent: "    " }));
  }
  lines.push(
    report.deployable
      ? "  migration: allowed"
      : "  migration: BLOCKED (a Red change needs `allowDataLoss: { reason }` on its entity, or a different change)",
  );
  return lines.join("\n") + "\n";
}

export function schemaChangesMarkdown(report: SchemaChangeReport): string {
  const out = ["### Migrations", ""];
  for (const p of report.problems) out.push(`- problem: ${p}`);
  if (report.entities.length === 0 && report.problems.length === 0) out.push("No schema changes.", "");
  for (const e of report.entities) {
    out.push(`#### \`${e.entity}\``, "");
    for (const step of e.steps) out.push(`- ${step}`);
    for (const f of e.findings.map(findingFields)) {
      out.push(`- **${f.rule}** ${f.level}: ${f.message}${f.acknowledged ? ` (${f.acknowledgedBy}: ${f.reason ?? ""})` : ""} — ${f.hint}`);
    }
    out.push("");
  }
  out.push(report.deployable ? "Migration: allowed." : "Migration: **blocked**.");
  return out.join("\n") + "\n";
}
