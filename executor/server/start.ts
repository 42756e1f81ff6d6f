/**
 * Starting the executor the way Cloud Run does: configuration from the environment, the compiled
 * manifest from FASCIA_APP_MANIFEST, a pg pool (or PGlite for local runs), then listen on PORT.
 * The bundle's entry point calls this.
 */
import { openWitness } from "../audit/open-witness";
import type { Database } from "../../database/types";
import { readManifest } from "../app/manifest";
import { buildServer, type ExecutorServer } from "./build-server";
import { ConfigError, loadExecutorConfig } from "./config";
import { checkPlanHash, type PlanCheck } from "./plan-check";
import { unauthenticated } from "../auth/jwt-authenticator";

/** Without bearer-token settings no HTTP tool exists (checked above); anything else is refused. */
const refuseBearerTokens = async (): Promise<never> => {
  throw unauthenticated("this service accepts no bearer tokens");
};
import { openExecutorDatabase, openSideDatabase } from "./open-database";
import { scheduledToolsWarning } from "./scheduler-warning";
import { listenForMetrics, type MetricsListener } from "./metrics-listener";

export interface RunningExecutor {
  server: ExecutorServer;
  address: string;
  /** Where /metrics is served when FASCIA_METRICS_PORT is set (loopback only); else it is a route of `address`. */
  metricsAddress?: string;
  /** The manifest's plan hash, and whether FASCIA_PLAN_HASH was there to compare it with. */
  plan: PlanCheck;
  /** Set when the app has scheduled tools this configuration cannot authenticate (scheduler-warning.ts). */
  schedulerWarning?: string;
  /** Stops taking requests, lets running invocations finish, closes the pool. */
  close(): Promise<void>;
}

export async function startExecutor(env: NodeJS.ProcessEnv = process.env, host = "0.0.0.0"): Promise<RunningExecutor> {
  const config = loadExecutorConfig(env);
  const manifest = readManifest(config.manifestPath);
  // Before anything else: a manifest the deployment did not govern must not even reach the database.
  const plan = checkPlanHash(manifest, config.manifestPath, env);
  const httpTools = manifest.specs.tools.filter((t) => t.trigger.http).map((t) => t.name);
  if (!config.auth && httpTools.length > 0) {
    throw new ConfigError([
      `FASCIA_AUTH_ISSUER, FASCIA_AUTH_AUDIENCE and FASCIA_AUTH_JWKS_URL must be set: the app has HTTP tools (${httpTools.join(", ")})`,
    ]);
  }
  const db: Database = await openExecutorDatabase(config.databaseUrl, config.poolMax);
  const sideDb = openSideDatabase(config.databaseUrl);
  let server: ExecutorServer;
  try {
    server = buildServer({
      app: manifest,
      // Governed: the plan hash proves these are the specs the compiler checked.
      specsChecked: plan.checked,
      db,
      auth: config.auth
        ? {
            issuer: config.auth.issuer,
            audience: config.auth.audience,
            keys: { jwksUrl: config.auth.jwksUrl },
            rolesClaim: config.auth.rolesClaim,
            tokenCache: config.auth.tokenCache,
            maxLifetimeSeconds: config.auth.maxTokenLifetimeSeconds,
          }
        : { authenticate: refuseBearerTokens },
      operators: {
        role: config.operators.role,
        // Operators from another issuer: their own verification; otherwise they are callers of the app's issuer.
        ...(config.operators.auth
          ? {
              auth: {
                issuer: config.operators.auth.issuer,
                audience: config.operators.auth.audience,
                keys: { jwksUrl: config.operators.auth.jwksUrl },
                ...(config.auth ? { rolesClaim: config.auth.rolesClaim, maxLifetimeSeconds: config.auth.maxTokenLifetimeSeconds } : {}),
              },
            }
          : {}),
      },
      settings: { poolMax: config.poolMax },
      ...(config.scheduler ? { scheduler: config.scheduler } : {}),
      env,
      payments: {
        baseUrl: config.paymentsBaseUrl,
        ...(config.defaultPaymentsSecret ? { defaultSecret: config.defaultPaymentsSecret } : {}),
      },
      email: { ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}), ...(config.emailFrom ? { from: config.emailFrom } : {}) },
      bodyLimitBytes: config.bodyLimitBytes,
      serveMetrics: config.metricsPort === undefined,
      rateLimit: config.rateLimit,
      unauthenticatedRateLimit: config.unauthenticatedRateLimit,
      trustProxyHops: config.trustProxyHops,
      refusalWindowSeconds: config.refusalWindowSeconds,
      timeouts: config.httpTimeouts,
      outbox: config.outbox,
      checkpoints: {
        intervalMs: config.checkpoints.intervalMs,
        ...(config.checkpoints.witness ? { witness: openWitness(config.checkpoints.witness) } : {}),
      },
      ...(sideDb ? { sideDb } : {}),
      ...(config.projectId ? { projectId: config.projectId } : {}),
    });
  } catch (error) {
    await db.close();
    await sideDb?.close();
    throw error;
  }
  let metrics: MetricsListener | undefined;
  try {
    metrics = config.metricsPort !== undefined ? await listenForMetrics(server.metrics, config.metricsPort) : undefined;
  } catch (error) {
    await db.close();
    await sideDb?.close();
    throw error;
  }
  const address = await server.listen({ port: config.port, host });
  const schedulerWarning = scheduledToolsWarning(manifest, config.scheduler);
  return {
    server,
    address,
    ...(schedulerWarning ? { schedulerWarning } : {}),
    ...(metrics ? { metricsAddress: metrics.address } : {}),
    plan,
    async close() {
      await server.close();
      await metrics?.close();
      await db.close();
      await sideDb?.close();
    },
  };
}
