import type { Command } from "commander";
import { migrateToSpecs } from "../../migrate/apply";
import { openDatabase } from "../../database/open";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { formatPlan, formatProblem, loadEntities } from "./schema-output";

export function registerMigrate(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("migrate")
    .description(
      "Plan the migration from what the database has to the entities below <dir>, and apply it (exit 1, touching nothing, on an unacknowledged Red change)",
    )
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .requiredOption("--db <url>", "postgres://user@host:port/db, pglite:<directory> or pglite:memory")
    .option("--dry-run", "print the plan and its SQL without applying it")
    .action(async (dir: string, options: { db: string; dryRun?: boolean }) => {
      const loaded = loadEntities("migrate", dir, io);
      if (!loaded || "usage" in loaded) return setExit(loaded ? EXIT.usage : EXIT.failed);
      let db;
      try {
        db = await openDatabase(options.db);
      } catch (error) {
        io.err(`fascia migrate: ${(error as Error).message}`);
        return setExit(EXIT.usage);
      }
      try {
        const outcome = await migrateToSpecs(db, loaded.entities, { dryRun: Boolean(options.dryRun) });
        if (outcome.status === "invalid") {
          for (const p of outcome.plan.problems) io.err(formatProblem(p, loaded.specs));
          return setExit(EXIT.failed);
        }
        if ("resumed" in outcome && outcome.resumed.length) io.out(`Finished interrupted migration(s): ${outcome.resumed.join(", ")}`);
        if (outcome.status === "up-to-date") {
          io.out(`${db.label}: up to date, nothing to migrate.`);
          return setExit(EXIT.ok);
        }
        io.out(formatPlan(outcome.plan).join("\n"));
        if (outcome.status === "blocked") {
          io.err(`fascia migrate: not applied; ${db.label} was not changed.`);
          return setExit(EXIT.failed);
        }
        if (outcome.status === "planned") {
          io.out(`\n-- dry run: migration ${outcome.migration.id} was not applied\n${outcome.migration.script}`);
          return setExit(EXIT.ok);
        }
        io.out(`\nApplied migration ${outcome.migration.id} to ${db.label}.`);
        setExit(EXIT.ok);
      } catch (error) {
        io.err(`fascia migrate: ${(error as Error).message}`);
        setExit(EXIT.failed);
      } finally {
        await db.close();
      }
    });
}
