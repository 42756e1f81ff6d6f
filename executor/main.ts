/**
 * The executor's entry point: what `node executor.js` runs in the Cloud Run image (the bundle is
 * built from this file by build/). FASCIA_RUN picks the job of the process:
 *
 *   serve (default)  answer requests on PORT until SIGTERM/SIGINT, then drain and exit 0
 *   migrate          apply the app's and the executor's migrations once, then exit 0 (the
 *                    deployment's migration Cloud Run job)
 *
 * Configuration is the environment only (docs/executor-config.md). Anything that stops the
 * process is one Cloud Logging line on stderr saying what, and exit code 1 (2 for an unknown
 * FASCIA_RUN). FASCIA_PLAN_HASH is informational: it goes into the startup and migration lines.
 */
import pino, { type Logger } from "pino";
import { createLogger } from "./observability/logger";
import { runMigrations } from "./server/migrate";
import { startExecutor } from "./server/start";
import { ENV, type RunMode } from "../contracts/environment";
import { EXIT, type ExitCode } from "../contracts/exit-codes";

const RUN: Record<RunMode, (env: NodeJS.ProcessEnv, log: Logger) => Promise<ExitCode>> = {
  async serve(env, log) {
    const running = await startExecutor(env);
    const { app } = running.server.executor;
    log.info(
      { address: running.address, manifest: app.manifest.source, tools: app.tools.size, ...planHash(env) },
      `the executor serves ${app.tools.size} tools at ${running.address}`,
    );
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGTERM", resolve);
      process.once("SIGINT", resolve);
    });
    log.info({ signal }, `${signal}: finishing running invocations, then stopping`);
    await running.close();
    return EXIT.ok;
  },
  async migrate(env, log) {
    const run = await runMigrations(env);
    const executor = run.executor.length ? `applied ${run.executor.join(", ")}` : "up to date";
    const resumed = run.resumed.length ? `; finished interrupted ${run.resumed.join(", ")}` : "";
    log.info({ ...run, ...planHash(env) }, `${run.database}: app schema ${run.app}${resumed}; executor tables ${executor}`);
    return EXIT.ok;
  },
};

function planHash(env: NodeJS.ProcessEnv): { planHash?: string } {
  return env[ENV.planHash] ? { planHash: env[ENV.planHash] } : {};
}

function isRunMode(value: string): value is RunMode {
  return Object.hasOwn(RUN, value);
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<ExitCode> {
  const log = createLogger(env[ENV.gcpProject] ? { projectId: env[ENV.gcpProject] } : {});
  const failures = createLogger({ destination: pino.destination({ fd: 2, sync: true }) });
  const mode = env[ENV.run] || "serve";
  if (!isRunMode(mode)) {
    failures.error(`${ENV.run} must be one of ${Object.keys(RUN).join(", ")}, not "${mode}"`);
    return EXIT.usage;
  }
  try {
    return await RUN[mode](env, log);
  } catch (error) {
    const what = mode === "serve" ? "the executor cannot start" : "the migration failed";
    failures.error({ mode, ...planHash(env) }, `${what}: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
