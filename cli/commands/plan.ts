import { existsSync } from "node:fs";
import type { Command } from "commander";
import { loadSpecDir } from "../../loader/load";
import { assessSpecs } from "../../risk/engine";
import { riskReportJson } from "../../risk/report/json";
import { riskReportMarkdown } from "../../risk/report/markdown";
import { riskReportText } from "../../risk/report/text";
import { planSchemaChanges, type SchemaChangeReport } from "../../risk/schema-changes";
import { schemaChangesMarkdown, schemaChangesText } from "../../risk/report/schema-changes";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { printSpecErrors } from "./spec-errors";

interface PlanOptions {
  from?: string;
  json?: boolean;
  markdown?: boolean;
}

export function registerPlan(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("plan")
    .description(
      "Compile every tool to its execution plan and judge it with the Risk Engine: exit 0 when every tool may deploy, 1 when a tool is Red or has an unacknowledged Yellow finding",
    )
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .option("--from <previous-dir>", "the last deployed specs: also plan and judge the schema migration from them")
    .option("--json", "print the report as JSON (tools[] in the risk-rules shape, plus plans and migrations)")
    .option("--markdown", "print the report as Markdown, for a pull request comment")
    .addHelpText(
      "after",
      "\nPer tool: its risk level, findings (rule, node, message, hint, acknowledgment), concurrency strategy and plan outline.\nSummary line: `N tools: G green, Y yellow, R red`.",
    )
    .action((dir: string, options: PlanOptions) => {
      if (options.json && options.markdown) {
        io.err("fascia plan: choose one of --json and --markdown");
        return setExit(EXIT.usage);
      }
      for (const path of [dir, options.from].filter((p): p is string => p !== undefined)) {
        if (!existsSync(path)) {
          io.err(`fascia plan: ${path} does not exist`);
          return setExit(EXIT.usage);
        }
      }
      const current = loadSpecDir(dir);
      const previous = options.from !== undefined ? loadSpecDir(options.from) : undefined;
      for (const [label, loaded] of [
        [dir, current],
        [options.from, previous],
      ] as const) {
        if (!loaded || loaded.ok) continue;
        printSpecErrors(io, loaded.diagnostics, label!, "plan"); // a label is set whenever its load is
        return setExit(EXIT.failed);
      }
      const assessments = assessSpecs(current.specs);
      const schema: SchemaChangeReport | undefined = previous ? planSchemaChanges(previous.specs, current.specs) : undefined;
      if (options.json) {
        const plans = Object.fromEntries(assessments.map((a) => [a.name, a.compiled.plan]));
        io.out(JSON.stringify({ ...riskReportJson(assessments), plans, migrations: schema ?? null }, null, 2));
      } else if (options.markdown) {
        io.out(riskReportMarkdown(assessments) + (schema ? `\n${schemaChangesMarkdown(schema)}` : ""));
      } else {
        io.out(riskReportText(assessments, { color: io.isTTY, plans: true }) + (schema ? `\n${schemaChangesText(schema)}` : ""));
      }
      const ok = assessments.every((a) => a.deployable) && (schema?.deployable ?? true);
      setExit(ok ? EXIT.ok : EXIT.failed);
    });
}
