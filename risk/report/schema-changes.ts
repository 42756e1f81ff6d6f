/** Migration steps per entity (fascia plan --from), for the terminal and for a pull request. */
import type { SchemaChangeReport } from "../schema-changes";

export function schemaChangesText(report: SchemaChangeReport): string {
  if (!report.available) return `migrations: ${report.note ?? "not available"}\n`;
  if (report.entities.length === 0) return "migrations: no schema changes\n";
  const lines: string[] = ["migrations:"];
  for (const e of report.entities) {
    lines.push(`  ${e.entity}`);
    for (const step of e.steps) lines.push(`    ${step}`);
    for (const f of e.findings) lines.push(`    ${f.rule} ${f.level}: ${f.message}${f.acknowledged ? " [allowDataLoss]" : ""}`, `         hint: ${f.hint}`);
  }
  return lines.join("\n") + "\n";
}

export function schemaChangesMarkdown(report: SchemaChangeReport): string {
  if (!report.available) return `### Migrations\n\n${report.note ?? "not available"}\n`;
  if (report.entities.length === 0) return "### Migrations\n\nNo schema changes.\n";
  const out = ["### Migrations", ""];
  for (const e of report.entities) {
    out.push(`#### \`${e.entity}\``, "", "```sql", ...e.steps, "```");
    for (const f of e.findings) out.push(`- **${f.rule}** ${f.level}: ${f.message}${f.acknowledged ? " (allowDataLoss)" : ""} — ${f.hint}`);
    out.push("");
  }
  return out.join("\n");
}
