/**
 * The `fascia` command line. Every command is registered from its own module; exit codes are
 * 0 (success), 1 (the specs or the plan are not acceptable), 2 (the command was used wrongly).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Command, CommanderError } from "commander";
import { EXIT, type ExitCode } from "../contracts/exit-codes";
import { processIO, type CliIO } from "./io";
import { registerValidate } from "./commands/validate";
import { registerToken } from "./commands/token";
import { registerDev } from "./commands/dev";
import { registerPlan } from "./commands/plan";
import { registerGraph } from "./commands/graph";
import { registerSql } from "./commands/sql";
import { registerMigrate } from "./commands/migrate";
import { registerDiff } from "./commands/diff";
import { registerAudit } from "./commands/audit";
import { registerOutbox } from "./commands/outbox";
import { registerBuild } from "./commands/build";
import { registerImage } from "./commands/image";
import { registerStudio } from "./commands/studio";
import { registerOpenapi } from "./commands/openapi";
import { registerChat } from "./commands/chat";

export function buildProgram(io: CliIO, setExit: (code: ExitCode) => void): Command {
  const program = new Command("fascia")
    .description("Fascia: business specs → a governed backend on your own Google Cloud")
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerValidate(program, io, setExit);
  registerToken(program, io, setExit);
  registerDev(program, io, setExit);
  registerPlan(program, io, setExit);
  registerGraph(program, io, setExit);
  registerSql(program, io, setExit);
  registerMigrate(program, io, setExit);
  registerDiff(program, io, setExit);
  registerAudit(program, io, setExit);
  registerOutbox(program, io, setExit);
  registerBuild(program, io, setExit);
  registerImage(program, io, setExit);
  registerStudio(program, io, setExit);
  registerOpenapi(program, io, setExit);
  registerChat(program, io, setExit);
  for (const command of program.commands)
    command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** The package's version, found the same way from sources (tsx, jest) and from dist/. */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  }
  return "0.0.0";
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.err(`fascia: ${(error as Error).message}`);
    return EXIT.usage;
  }
  return exitCode;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
