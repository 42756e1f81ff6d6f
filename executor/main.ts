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
 * FASCIA_RUN). Both modes first compare FASCIA_PLAN_HASH with the plan hash of the manifest in
 * the image and refuse, with exit code 3, a manifest the deployment did not govern
 * (server/plan-check.ts); unset, the manifest runs unchecked and a warning says so.
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { createLogger } from "./observability/logger";
import type { runMigrations as RunMigrations } from "./server/migrate";
import { PlanHashMismatchError, type PlanCheck } from "./server/plan-check";
import { startExecutor } from "./server/start";
import { ENV, type RunMode } from "../contracts/environment";
import { EXIT, type ExitCode } from "../contracts/exit-codes";

/** Where main writes and when serve stops; the defaults are the process's own (what Cloud Run sees). */
export interface MainOptions {
  /** The Cloud Logging lines of a running process (stdout). */
  log?: DestinationStream;
  /** The one line saying why the process stops (stderr, written synchronously so it is out before the exit). */
  failures?: DestinationStream;
  /** Resolves when serve should drain and stop: the first SIGTERM or SIGINT. */
  stop?: () => Promise<string>;
}

const RUN: Record<RunMode, (env: NodeJS.ProcessEnv, log: Logger, stop: () => Promise<string>) => Promise<ExitCode>> = {
  async serve(env, log, stop) {
    const running = await startExecutor(env);
    const { app } = running.server.executor;
    warnUnchecked(log, running.plan);
    if (running.schedulerWarning) log.warn(running.schedulerWarning);
    log.info(
      { address: running.address, manifest: app.manifest.source, tools: app.tools.size, ...planFields(running.plan) },
      `the executor serves ${app.tools.size} tools at ${running.address}`,
    );
    const signal = await stop();
    log.info({ signal }, `${signal}: finishing running invocations, then stopping`);
    await running.close();
    return EXIT.ok;
  },
  async migrate(env, log) {
    // Required here, not imported at the top: esbuild then initializes the migration planner only
    // in this mode, never in a serving process's cold start (docs/executor.md, "Cold start").
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runMigrations } = require("./server/migrate") as { runMigrations: typeof RunMigrations };
    const { plan, ...run } = await runMigrations(env);
    warnUnchecked(log, plan);
    const executor = run.executor.length ? `applied ${run.executor.join(", ")}` : "up to date";
    const resumed = run.resumed.length ? `; finished interrupted ${run.resumed.join(", ")}` : "";
    const runtime = run.runtime ? `; ${run.runtime.role} may read and write ${Object.keys(run.runtime.tables).length} tables` : "";
    log.info({ ...run, ...planFields(plan) }, `${run.database}: app schema ${run.app}${resumed}; executor tables ${executor}${runtime}`);
    return EXIT.ok;
  },
};

/** The plan this process runs, on its startup or migration line, so every log says which deploy it belongs to. */
function planFields(plan: PlanCheck): { planHash: string; planChecked: boolean } {
  return { planHash: plan.planHash, planChecked: plan.checked };
}

function warnUnchecked(log: Logger, plan: PlanCheck): void {
  if (plan.checked) return;
  log.warn(
    { planHash: plan.planHash, planChecked: false },
    `${ENV.planHash} is not set: the manifest runs unchecked (its plan hash is ${plan.planHash}); a deployment always sets it, a local run need not`,
  );
}

function signals(): Promise<string> {
  return new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
}

function isRunMode(value: string): value is RunMode {
  return Object.hasOwn(RUN, value);
}

export async function main(env: NodeJS.ProcessEnv = process.env, options: MainOptions = {}): Promise<ExitCode> {
  const log = createLogger({
    ...(env[ENV.gcpProject] ? { projectId: env[ENV.gcpProject] } : {}),
    ...(options.log ? { destination: options.log } : {}),
  });
  const failures = createLogger({ destination: options.failures ?? pino.destination({ fd: 2, sync: true }) });
  const mode = env[ENV.run] || "serve";
  if (!isRunMode(mode)) {
    failures.error(`${ENV.run} must be one of ${Object.keys(RUN).join(", ")}, not "${mode}"`);
    return EXIT.usage;
  }
  try {
    return await RUN[mode](env, log, options.stop ?? signals);
  } catch (error) {
    if (error instanceof PlanHashMismatchError) {
      const what = mode === "serve" ? "the executor refuses to start" : "the migration job refuses to run, nothing was applied";
      failures.error(
        { mode, planHash: error.expected, manifestPlanHash: error.actual, manifest: error.manifestPath },
        `${what}: ${error.message}`,
      );
      return EXIT.refused;
    }
    const what = mode === "serve" ? "the executor cannot start" : "the migration failed";
    failures.error({ mode, ...(env[ENV.planHash] ? { planHash: env[ENV.planHash] } : {}) }, `${what}: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code));
}
