import type { Command } from "commander";
import { planMigration } from "../../compiler/migrations/plan";
import { renderPlanSql } from "../../compiler/migrations/render";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { formatPlan, formatProblem, loadEntities, planJson } from "./schema-output";

export function registerDiff(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("diff")
    .description(
      "Plan the migration from the entities in <old-dir> to those in <new-dir> and judge its risk; exit 1 when a Red change is not acknowledged",
    )
    .argument("<old-dir>", "the deployed spec directory")
    .argument("<new-dir>", "the new spec directory")
    .option("--sql", "also print the SQL script the plan runs")
    .option("--json", "print the plan as JSON")
    .action((oldDir: string, newDir: string, options: { sql?: boolean; json?: boolean }) => {
      const before = loadEntities("diff", oldDir, io);
      const after = loadEntities("diff", newDir, io);
      if (!before || !after) return setExit(EXIT.failed);
      if ("usage" in before || "usage" in after) return setExit(EXIT.usage);
      const plan = planMigration(before.entities, after.entities);
      if (plan.problems.length) {
        for (const p of plan.problems) io.err(formatProblem(p, after.specs));
        return setExit(EXIT.failed);
      }
      if (options.json) io.out(JSON.stringify(planJson(plan), null, 2));
      else io.out(formatPlan(plan).join("\n"));
      if (options.sql && !options.json) io.out(`\n${renderPlanSql(plan)}`);
      setExit(plan.blocked ? EXIT.failed : EXIT.ok);
    });
}
