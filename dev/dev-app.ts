/**
 * `fascia dev`: an app served locally with everything it needs and nothing to install. The
 * database is embedded PGlite under `<app>/.fascia/db` (or the PostgreSQL URL given), migrated to
 * the specs; payments, mail and outbound HTTP go to local servers that log what they receive;
 * scheduled tools run on their cron through the same authenticated route Cloud Scheduler uses.
 */
import { mkdirSync } from "node:fs";
import { resolve, join } from "node:path";
import { exportJWK, SignJWT } from "jose";
import { openDatabase } from "../database/open";
import { DEFAULT_PG_POOL_MAX } from "../database/pg-driver";
import { migrateToSpecs } from "../migrate/apply";
import type { Database } from "../database/types";
import { loadSpecDir } from "../loader/load";
import { validSpecs } from "../loader/invalid-specs";
import { entityList } from "../loader/model";
import { compileSpecSet } from "../build/compile-app";
import type { AppManifest } from "../executor/app/manifest";
import { ToolError } from "../executor/errors/catalogue";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalKeys, mintLocalToken, type LocalKeys } from "../executor/auth/local-keys";
import { createLogger } from "../executor/observability/logger";
import { loadSecrets } from "../executor/secrets";
import { buildServer, type ExecutorServer } from "../executor/server/build-server";
import { DEFAULTS } from "../executor/server/config";
import { openWitness } from "../executor/audit/open-witness";
import { DEV_RUN_PREFIX, scheduledToolPath } from "../contracts/routes";
import { secretEnvName } from "../contracts/environment";
import { DEFAULT_OPERATOR_ROLE } from "../contracts/operator-api";
import { applyExecutorMigrations } from "../executor/store/executor-schema";
import { startLocalHttpRecorder, type LocalHttpRecorder } from "./local-http-recorder";
import { startLocalMail, type LocalMail } from "./local-mail";
import { startLocalPayments, type LocalPayments } from "./local-payments";
import { startLocalScheduler, type LocalScheduler } from "./local-scheduler";
import { devSecrets } from "./dev-secrets";

export const DEV_SCHEDULER_ACCOUNT = "scheduler@fascia.local";
/** The local scheduler's tokens are for this URL, as Cloud Scheduler's are for the service's own (FASCIA_SCHEDULER_AUDIENCE). */
export const DEV_SCHEDULER_AUDIENCE = "https://executor.fascia.local";

export interface DevOptions {
  dir: string;
  port?: number;
  host?: string;
  /** Database URL; default `pglite:<dir>/.fascia/db`. */
  db?: string;
  /** Run scheduled tools on their cron (default true). */
  cron?: boolean;
  /** Where the executor's JSON logs go (default: stdout). */
  logDestination?: NodeJS.WritableStream;
  /** One line per local event (migrations, charges, mails, scheduled runs). */
  onEvent?: (line: string) => void;
}

export interface DevApp {
  url: string;
  manifest: AppManifest;
  databaseUrl: string;
  /** A token with the role `staff`, valid for 12 hours. */
  staffToken: string;
  /** A local token with the operator role: what the Console and the operator API (docs/operator-api.md) need. */
  operatorToken: string;
  keys: LocalKeys;
  payments: LocalPayments;
  mail: LocalMail;
  http: LocalHttpRecorder;
  server: ExecutorServer;
  /** Runs a scheduled tool now, as its cron would; resolves to the response status and body. */
  runScheduled(tool: string, at?: Date): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startDevApp(options: DevOptions): Promise<DevApp> {
  const dir = resolve(options.dir);
  const event = options.onEvent ?? (() => {});
  // Invalid specs throw the loader's InvalidSpecsError before anything is started.
  const specs = validSpecs(loadSpecDir(options.dir), options.dir);
  const manifest = compileSpecSet(specs, options.dir);

  const databaseUrl = options.db ?? `pglite:${join(dir, ".fascia", "db")}`;
  if (!options.db) mkdirSync(join(dir, ".fascia"), { recursive: true });
  const started: { close(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
  };
  try {
    const db: Database = await openDatabase(databaseUrl);
    started.push(db);
    const migrated = await migrateToSpecs(db, entityList(specs));
    if (migrated.status === "blocked" || migrated.status === "invalid") {
      throw new Error(
        `the database at ${databaseUrl} cannot be migrated to these specs without data loss (${migrated.status}); run \`fascia diff\` to see why, or point --db at a new database`,
      );
    }
    event(migrated.status === "applied" ? `database: migrated (${migrated.migration.id})` : "database: up to date");
    await applyExecutorMigrations(db);

    const keys = await loadOrCreateLocalKeys(dir);
    const payments = await startLocalPayments({ onEvent: event });
    started.push(payments);
    const mail = await startLocalMail({ onEvent: event });
    started.push(mail);
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: keys.kid, alg: "ES256", use: "sig" };
    const http = await startLocalHttpRecorder({ jwks: [jwk], onEvent: event });
    started.push(http);

    const secrets = devSecrets(dir, specs, { paymentsApiKey: payments.apiKey, smtpUrl: mail.url });
    // The audit checkpoints' witness: a folder beside the database (a deployment's is a bucket with a retention policy).
    const witnessDir = join(dir, ".fascia", "witness");
    mkdirSync(witnessDir, { recursive: true });
    const server = buildServer({
      app: manifest,
      db,
      auth: { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, keys: { publicKey: keys.publicKey } },
      scheduler: {
        serviceAccountEmail: DEV_SCHEDULER_ACCOUNT,
        audience: DEV_SCHEDULER_AUDIENCE,
        jwksUrl: http.jwksUrl,
        issuers: [LOCAL_ISSUER],
      },
      secrets: loadSecrets(Object.keys(secrets), Object.fromEntries(Object.entries(secrets).map(([k, v]) => [secretEnvName(k), v]))),
      payments: { baseUrl: payments.url },
      email: { smtpUrl: mail.url, from: "dev@fascia.local" },
      httpSink: http.sinkUrl,
      rateLimit: false,
      checkpoints: { intervalMs: DEFAULTS.checkpointMs, witness: openWitness(witnessDir) },
      // What the operator API's settings show: PGlite is one connection that invocations take in turns.
      settings: { poolMax: db.driver === "pglite" ? 1 : DEFAULT_PG_POOL_MAX },
      logger: createLogger(options.logDestination ? { destination: options.logDestination as never } : {}),
    });
    started.push({ close: () => server.close() });

    let base = "";
    const runScheduled = async (tool: string, at = new Date()) => {
      const token = await new SignJWT({ email: DEV_SCHEDULER_ACCOUNT, email_verified: true })
        .setProtectedHeader({ alg: "ES256", kid: keys.kid })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(DEV_SCHEDULER_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(keys.privateKey);
      const response = await fetch(`${base}${scheduledToolPath(tool)}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "x-cloudscheduler-scheduletime": at.toISOString(),
          "content-type": "application/json",
        },
        body: "{}",
      });
      const body: unknown = await response.json().catch(() => null);
      event(`scheduler: ${tool} at ${at.toISOString()} → ${response.status}`);
      return { status: response.status, body };
    };
    const scheduledTools = [...manifest.specs.tools].filter((t) => t.trigger.schedule);
    // A dev-only door to run a scheduled tool now (the local equivalent of "force run" in Cloud Scheduler).
    server.post(`${DEV_RUN_PREFIX}:tool`, async (request, reply) => {
      const tool = (request.params as { tool: string }).tool;
      if (!scheduledTools.some((t) => t.name === tool)) {
        const error = ToolError.of("ROUTE_NOT_FOUND", `no scheduled tool "${tool}"`);
        return reply.code(error.status).send(error.toBody());
      }
      const result = await runScheduled(tool);
      return reply.code(result.status).send(result.body);
    });

    base = (await server.listen({ port: options.port ?? 8080, host: options.host ?? "127.0.0.1" })).replace("[::1]", "127.0.0.1");
    let scheduler: LocalScheduler | undefined;
    if (options.cron !== false && scheduledTools.length > 0) {
      scheduler = startLocalScheduler(
        scheduledTools.map((t) => ({
          tool: t.name,
          cron: t.trigger.schedule!.cron,
          ...(t.trigger.schedule!.timezone ? { timezone: t.trigger.schedule!.timezone } : {}),
        })),
        async (tool, at) => void (await runScheduled(tool, at)),
      );
      const running = scheduler;
      started.push({ close: async () => running.stop() });
    }
    const staffToken = await mintLocalToken(keys, { sub: "dev-staff", roles: ["staff"] });
    const operatorToken = await mintLocalToken(keys, { sub: "dev-operator", roles: [DEFAULT_OPERATOR_ROLE] });
    return {
      url: base,
      manifest,
      databaseUrl,
      staffToken,
      operatorToken,
      keys,
      payments,
      mail,
      http,
      server,
      runScheduled,
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
