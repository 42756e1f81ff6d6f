/**
 * The executor's environment variables, by name: the deployment writes them (components/env.ts),
 * the executor reads them (executor/server/config.ts, executor/main.ts, executor/secrets.ts), and
 * docs/executor-config.md lists them. One table, so a renamed variable cannot reach only one side.
 */
export const ENV = {
  appManifest: "FASCIA_APP_MANIFEST",
  dbUrl: "FASCIA_DB_URL",
  dbSocketDir: "FASCIA_DB_SOCKET_DIR",
  dbHost: "FASCIA_DB_HOST",
  dbPort: "FASCIA_DB_PORT",
  dbName: "FASCIA_DB_NAME",
  dbUser: "FASCIA_DB_USER",
  dbPassword: "FASCIA_DB_PASSWORD",
  dbPoolMax: "FASCIA_DB_POOL_MAX",
  dbRuntimeUser: "FASCIA_DB_RUNTIME_USER",
  authIssuer: "FASCIA_AUTH_ISSUER",
  authAudience: "FASCIA_AUTH_AUDIENCE",
  authJwksUrl: "FASCIA_AUTH_JWKS_URL",
  authRolesClaim: "FASCIA_AUTH_ROLES_CLAIM",
  authTokenCacheSize: "FASCIA_AUTH_TOKEN_CACHE_SIZE",
  authTokenCacheSeconds: "FASCIA_AUTH_TOKEN_CACHE_SECONDS",
  authMaxTokenLifetimeSeconds: "FASCIA_AUTH_MAX_TOKEN_LIFETIME_SECONDS",
  operatorRole: "FASCIA_OPERATOR_ROLE",
  operatorAuthIssuer: "FASCIA_OPERATOR_AUTH_ISSUER",
  operatorAuthAudience: "FASCIA_OPERATOR_AUTH_AUDIENCE",
  operatorAuthJwksUrl: "FASCIA_OPERATOR_AUTH_JWKS_URL",
  rateLimitPerSecond: "FASCIA_RATE_LIMIT_PER_SECOND",
  rateLimitBurst: "FASCIA_RATE_LIMIT_BURST",
  rateLimitUnauthenticatedPerSecond: "FASCIA_RATE_LIMIT_UNAUTHENTICATED_PER_SECOND",
  rateLimitUnauthenticatedBurst: "FASCIA_RATE_LIMIT_UNAUTHENTICATED_BURST",
  trustProxy: "FASCIA_TRUST_PROXY",
  auditRefusalWindowSeconds: "FASCIA_AUDIT_REFUSAL_WINDOW_SECONDS",
  schedulerServiceAccount: "FASCIA_SCHEDULER_SERVICE_ACCOUNT",
  schedulerAudience: "FASCIA_SCHEDULER_AUDIENCE",
  paymentsBaseUrl: "FASCIA_PAYMENTS_BASE_URL",
  paymentsSecret: "FASCIA_PAYMENTS_SECRET",
  smtpUrl: "FASCIA_SMTP_URL",
  emailFrom: "FASCIA_EMAIL_FROM",
  gcpProject: "FASCIA_GCP_PROJECT",
  bodyLimitBytes: "FASCIA_BODY_LIMIT_BYTES",
  httpRequestTimeoutMs: "FASCIA_HTTP_REQUEST_TIMEOUT_MS",
  httpHeadersTimeoutMs: "FASCIA_HTTP_HEADERS_TIMEOUT_MS",
  httpKeepAliveTimeoutMs: "FASCIA_HTTP_KEEP_ALIVE_TIMEOUT_MS",
  httpIdleTimeoutMs: "FASCIA_HTTP_IDLE_TIMEOUT_MS",
  port: "PORT",
  run: "FASCIA_RUN",
  planHash: "FASCIA_PLAN_HASH",
  metricsPort: "FASCIA_METRICS_PORT",
  outboxPollMs: "FASCIA_OUTBOX_POLL_MS",
  outboxBatch: "FASCIA_OUTBOX_BATCH",
  /** Where checkpoints are witnessed: `gs://bucket[/prefix]` or a local directory (executor/audit/witness.ts). */
  auditWitness: "FASCIA_AUDIT_WITNESS",
  /** How often the audit chains' heads are checkpointed, in ms (docs/executor.md, "Checkpoints"). */
  auditCheckpointMs: "FASCIA_AUDIT_CHECKPOINT_MS",
} as const;

/**
 * Connections an executor instance opens beside its FASCIA_DB_POOL_MAX pool: its side pool, for
 * what an invocation commits outside its own transaction (compensation guards). The component's
 * connection budget counts them (components/pool-sizing.ts).
 */
export const EXECUTOR_SIDE_CONNECTIONS = 2;

/** A secret the specs name reaches the executor as `FASCIA_SECRET_<NAME>` (Secret Manager on Cloud Run). */
export const SECRET_ENV_PREFIX = "FASCIA_SECRET_";

export function secretEnvName(secret: string): string {
  return `${SECRET_ENV_PREFIX}${secret}`;
}

/** What `FASCIA_RUN` selects: the HTTP server, or the migration job. */
export type RunMode = "serve" | "migrate";
