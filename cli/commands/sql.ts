import type { Command } from "commander";
import { compileEntities } from "../../compiler/schema/compile";
import { freshSchemaSql } from "../../compiler/schema/ddl";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { formatProblem, loadEntities } from "./schema-output";

export function registerSql(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("sql")
    .description("Print the PostgreSQL DDL that creates the entities below <dir> in an empty database")
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .action((dir: string) => {
      const loaded = loadEntities("sql", dir, io);
      if (!loaded || "usage" in loaded) return setExit(loaded ? EXIT.usage : EXIT.failed);
      const { model, problems } = compileEntities(loaded.entities);
      if (problems.length) {
        for (const p of problems) io.err(formatProblem(p, loaded.specs));
        return setExit(EXIT.failed);
      }
      const executor = model.tables.flatMap((t) =>
        t.executorInvariants.map((i) => `-- ${t.entity}.${i.name} is enforced by the executor before commit: ${i.reason}`),
      );
      io.out(`${executor.length ? `${executor.join("\n")}\n\n` : ""}${freshSchemaSql(model)}`);
      setExit(EXIT.ok);
    });
}
