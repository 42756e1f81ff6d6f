import { existsSync } from "node:fs";
import type { Command } from "commander";
import { loadSpecDir } from "../../loader/load";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { printSpecErrors } from "./spec-errors";

export function registerValidate(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("validate")
    .description("Load and check every spec below <dir>: exit 0 when valid, 1 with every problem listed")
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively) or a single spec file")
    .option("--json", "print the result as JSON for tools")
    .action((dir: string, options: { json?: boolean }) => {
      if (!existsSync(dir)) {
        io.err(`fascia validate: ${dir} does not exist`);
        return setExit(EXIT.usage);
      }
      const result = loadSpecDir(dir);
      const counts = {
        entities: result.specs.entities.size,
        tools: result.specs.tools.size,
        policies: result.specs.policies.size,
      };
      if (options.json) {
        io.out(JSON.stringify({ valid: result.ok, ...counts, diagnostics: result.diagnostics }, null, 2));
      } else if (result.ok) {
        io.out(`${dir}: valid (${counts.entities} entities, ${counts.tools} tools, ${counts.policies} policies)`);
      } else {
        printSpecErrors(io, result.diagnostics, dir);
      }
      setExit(result.ok ? EXIT.ok : EXIT.failed);
    });
}
