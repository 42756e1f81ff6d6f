import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { loadOrCreateLocalKeys, mintLocalToken } from "../../executor/auth/local-keys";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerToken(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("token")
    .description("Mint a bearer token for trying an app locally (signed with the key in <dir>/.fascia/, created on first use)")
    .argument("[dir]", "the app's spec directory", ".")
    .requiredOption("--sub <id>", "the caller's id (caller.id in expressions)")
    .option("--role <role>", "a role of the caller; repeat for several", collect, [] as string[])
    .option("--expires <span>", "lifetime, e.g. 30m, 12h, 7d", "12h")
    .action(async (dir: string, options: { sub: string; role: string[]; expires: string }) => {
      if (!existsSync(dir)) {
        io.err(`fascia token: ${dir} does not exist`);
        return setExit(EXIT.usage);
      }
      if (!/^\d+\s*(s|m|h|d)$/.test(options.expires)) {
        io.err(`fascia token: --expires ${options.expires} is not a time span such as 30m, 12h or 7d`);
        return setExit(EXIT.usage);
      }
      const keys = await loadOrCreateLocalKeys(resolve(dir));
      io.out(await mintLocalToken(keys, { sub: options.sub, roles: options.role, expiresIn: options.expires }));
      setExit(EXIT.ok);
    });
}
