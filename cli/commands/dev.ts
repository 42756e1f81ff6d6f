import { existsSync } from "node:fs";
import { Writable } from "node:stream";
import type { Command } from "commander";
import { startDevApp, type DevApp } from "../../dev/dev-app";
import { InvalidSpecsError } from "../../loader/invalid-specs";
import { DEV_RUN_PREFIX, OPENAPI_PATH } from "../../contracts/routes";
import { DEFAULT_OPERATOR_ROLE, OPERATOR_PATHS } from "../../contracts/operator-api";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { printSpecErrors } from "./spec-errors";

export function registerDev(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("dev")
    .description(
      "Serve an app locally: embedded PGlite (or --db), migrations applied, local payments/mail/HTTP, scheduled tools on their cron",
    )
    .argument("[dir]", "the app's spec directory", ".")
    .option("--port <port>", "port to listen on (127.0.0.1)", "8080")
    .option("--db <url>", "database: postgres://… or pglite:<dir> (default pglite:<dir>/.fascia/db)")
    .option("--no-cron", "do not run scheduled tools on their cron (run them with POST /_dev/run/<tool>)")
    .option("--quiet", "do not print the executor's JSON log lines")
    .action(async (dir: string, options: { port: string; db?: string; cron: boolean; quiet?: boolean }) => {
      const port = Number(options.port);
      if (!existsSync(dir)) {
        io.err(`fascia dev: ${dir} does not exist`);
        return setExit(EXIT.usage);
      }
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.err(`fascia dev: --port ${options.port} is not a port number`);
        return setExit(EXIT.usage);
      }
      let app: DevApp;
      try {
        app = await startDevApp({
          dir,
          port,
          ...(options.db ? { db: options.db } : {}),
          cron: options.cron,
          ...(options.quiet ? { logDestination: discard() } : {}),
          onEvent: (line) => io.err(`[dev] ${line}`),
        });
      } catch (error) {
        if (error instanceof InvalidSpecsError) {
          printSpecErrors(io, error.diagnostics, dir);
          return setExit(EXIT.failed);
        }
        io.err(`fascia dev: ${(error as Error).message}`);
        return setExit(EXIT.failed);
      }
      io.out(banner(app, dir));
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      io.err("[dev] stopping");
      await app.close();
      setExit(EXIT.ok);
    });
}

function banner(app: DevApp, dir: string): string {
  const routes = app.manifest.specs.tools.map((tool) => {
    const risk = app.manifest.risk[tool.name]?.level ?? "?";
    const t = tool.trigger;
    const route = t.http
      ? `${t.http.method.padEnd(6)} ${t.http.path}`
      : t.webhook
        ? `POST   ${t.webhook.path} (webhook)`
        : `POST   ${DEV_RUN_PREFIX}${tool.name} (schedule "${t.schedule!.cron}")`;
    return `  ${route.padEnd(58)} ${tool.name} [${risk}]`;
  });
  return [
    `Fascia dev server: ${app.url}   (specs: ${dir}, database: ${app.databaseUrl})`,
    "",
    "Routes:",
    ...routes,
    "",
    `Staff token (12h):  export TOKEN=${app.staffToken}`,
    `Try:                curl -s -X POST ${app.url}/rooms -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"number":"101","capacity":2,"nightlyRate":"99.50"}'`,
    `More tokens:        fascia token ${dir} --sub <customer id> --role customer`,
    `OpenAPI 3.1:        ${app.url}${OPENAPI_PATH}   (a client generator's input; docs/openapi.md)`,
    `Operator token:     export OPERATOR_TOKEN=${app.operatorToken}`,
    `Operator API:       curl -s ${app.url}${OPERATOR_PATHS.invocations} -H "authorization: Bearer $OPERATOR_TOKEN"   (docs/operator-api.md; more: fascia token ${dir} --sub <you> --role ${DEFAULT_OPERATOR_ROLE})`,
    `Local services:     payments ${app.payments.url}, mail ${app.mail.url}, outbound HTTP recorded`,
    "Stop with Ctrl-C.",
  ].join("\n");
}

function discard(): NodeJS.WritableStream {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}
