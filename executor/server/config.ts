/**
 * The executor's configuration from the environment (docs/executor-config.md): the manifest path,
 * the database, how bearer tokens and scheduler tokens are verified, the payments API and SMTP.
 * Every missing required variable is reported at once, by name.
 */
import { DEFAULT_TOKEN_CACHE } from "../auth/verified-tokens";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "../auth/jwt-authenticator";
import { ENV } from "../../contracts/environment";
import { DEFAULT_OPERATOR_ROLE } from "../../contracts/operator-api";

export interface ExecutorConfig {
  manifestPath: string;
  /** A `postgres://` URL (built from the FASCIA_DB_* variables) or `pglite:<dir>`. */
  databaseUrl: string;
  poolMax: number;
  /** Absent when no FASCIA_AUTH_* is set: then the app may have no HTTP tool (checked at start). */
  auth?: {
    issuer: string;
    audience: string;
    jwksUrl: string;
    rolesClaim: string;
    tokenCache: { maxEntries: number; maxAgeSeconds: number };
    /** Longest `exp − iat` a bearer token may have; a token without `exp` is refused. */
    maxTokenLifetimeSeconds: number;
  };
  /**
   * Who may read the operator API (docs/operator-api.md): callers whose roles include `role`,
   * verified by the app's bearer settings, or by `auth` when operators come from another issuer.
   */
  operators: { role: string; auth?: { issuer: string; audience: string; jwksUrl: string } };
  /** `audience` is the service's own URL; without it every scheduler token is refused (schedulerWarning). */
  scheduler?: { serviceAccountEmail: string; audience?: string };
  paymentsBaseUrl: string;
  defaultPaymentsSecret?: string;
  smtpUrl?: string;
  emailFrom?: string;
  projectId?: string;
  port: number;
  /** Where /metrics is served, on 127.0.0.1 only; absent: on `port` with the tools (local runs). */
  metricsPort?: number;
  bodyLimitBytes: number;
  rateLimit: { perSecond: number; burst: number } | false;
  /** Per client address, charged by requests that end without a caller; false when off. */
  unauthenticatedRateLimit: { perSecond: number; burst: number } | false;
  /** Proxies in front trusted to say the client's address (X-Forwarded-For); 0: the socket's peer. */
  trustProxyHops: number;
  /** Refusals before a caller is known become one aggregate audit record per window of this many seconds. */
  refusalWindowSeconds: number;
  httpTimeouts: HttpTimeouts;
  /** How this instance drains the outbox (executor/outbox/drainer.ts). */
  outbox: { pollMs: number; batch: number };
  /** How often the audit log is checkpointed, and where checkpoints are witnessed (`gs://bucket[/prefix]` or a directory; executor/store/checkpointer.ts). */
  checkpoints: { intervalMs: number; witness?: string };
}

/**
 * How long the HTTP server waits on a client (milliseconds). The request and headers bounds cover
 * receiving the request only, not the tool's run, so they sit well below Cloud Run's request
 * timeout; the idle bound (a socket that sends and receives nothing) is raised by the server to
 * the longest tool deadline plus a margin, so a running tool never loses its socket.
 */
export interface HttpTimeouts {
  /** The whole request (headers and body) must arrive within this (Node's `requestTimeout`); else 408. */
  requestMs: number;
  /** The headers must arrive within this (Node's `headersTimeout`, at most `requestMs`); else 408. */
  headersMs: number;
  /** A kept-alive connection with no request in flight is closed after this (`keepAliveTimeout`). */
  keepAliveMs: number;
  /** A socket with no traffic either way is closed after this (fastify's `connectionTimeout`). */
  idleMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`the executor's configuration is incomplete:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export const DEFAULTS = {
  manifestPath: "/app/manifest.json",
  paymentsBaseUrl: "https://api.stripe.com",
  rolesClaim: "roles",
  tokenCache: DEFAULT_TOKEN_CACHE,
  maxTokenLifetimeSeconds: DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  port: 8080,
  poolMax: 10,
  bodyLimitBytes: 1024 * 1024,
  rateLimit: { perSecond: 50, burst: 200 },
  /** Requests that end without a caller, per client address (address-limit.ts). */
  unauthenticatedRateLimit: { perSecond: 10, burst: 50 },
  httpTimeouts: { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 65_000, idleMs: 60_000 } satisfies HttpTimeouts,
  outbox: { pollMs: 1_000, batch: 10 },
  /** A minute: the window in which the newest records rest on the database alone (docs/executor.md, "Checkpoints"). */
  checkpointMs: 60_000,
  /** Refusals before a caller is known become one aggregate audit record per window of this length. */
  refusalWindowSeconds: 60,
  /** How long an idempotency key's claim outlives the tool's deadline (not read from the environment). */
  leaseMarginMs: 60_000,
} as const;

export function loadExecutorConfig(env: NodeJS.ProcessEnv = process.env): ExecutorConfig {
  const problems: string[] = [];
  const required = (name: string) => {
    const value = env[name];
    if (!value) problems.push(`${name} is not set`);
    return value ?? "";
  };
  const integer = (name: string, fallback: number, min = 0) => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) problems.push(`${name} must be an integer ≥ ${min}, got "${text}"`);
    return value;
  };
  // Bearer auth is all or nothing: an app with only webhooks and scheduled tools needs none of it.
  const authNames = [ENV.authIssuer, ENV.authAudience, ENV.authJwksUrl] as const;
  const auth = authNames.some((n) => env[n])
    ? {
        issuer: required(ENV.authIssuer),
        audience: required(ENV.authAudience),
        jwksUrl: required(ENV.authJwksUrl),
        rolesClaim: env[ENV.authRolesClaim] || DEFAULTS.rolesClaim,
        tokenCache: {
          maxEntries: integer(ENV.authTokenCacheSize, DEFAULTS.tokenCache.maxEntries),
          maxAgeSeconds: integer(ENV.authTokenCacheSeconds, DEFAULTS.tokenCache.maxAgeSeconds, 1),
        },
        maxTokenLifetimeSeconds: integer(ENV.authMaxTokenLifetimeSeconds, DEFAULTS.maxTokenLifetimeSeconds, 1),
      }
    : undefined;
  // The operators' own issuer is all or nothing too; absent, operators are verified like any caller.
  const operatorAuthNames = [ENV.operatorAuthIssuer, ENV.operatorAuthAudience, ENV.operatorAuthJwksUrl] as const;
  const operatorAuth = operatorAuthNames.some((n) => env[n])
    ? { issuer: required(ENV.operatorAuthIssuer), audience: required(ENV.operatorAuthAudience), jwksUrl: required(ENV.operatorAuthJwksUrl) }
    : undefined;
  const databaseUrl = databaseUrlOf(env, problems);
  const perSecond = integer(ENV.rateLimitPerSecond, DEFAULTS.rateLimit.perSecond);
  const burst = integer(ENV.rateLimitBurst, Math.max(DEFAULTS.rateLimit.burst, perSecond), 1);
  const unauthenticatedPerSecond = integer(ENV.rateLimitUnauthenticatedPerSecond, DEFAULTS.unauthenticatedRateLimit.perSecond);
  const unauthenticatedBurst = integer(
    ENV.rateLimitUnauthenticatedBurst,
    Math.max(DEFAULTS.unauthenticatedRateLimit.burst, unauthenticatedPerSecond),
    1,
  );
  const schedulerAccount = env[ENV.schedulerServiceAccount];
  const schedulerAudience = env[ENV.schedulerAudience];
  const httpTimeouts: HttpTimeouts = {
    requestMs: integer(ENV.httpRequestTimeoutMs, DEFAULTS.httpTimeouts.requestMs, 1),
    headersMs: integer(ENV.httpHeadersTimeoutMs, DEFAULTS.httpTimeouts.headersMs, 1),
    keepAliveMs: integer(ENV.httpKeepAliveTimeoutMs, DEFAULTS.httpTimeouts.keepAliveMs, 1),
    idleMs: integer(ENV.httpIdleTimeoutMs, DEFAULTS.httpTimeouts.idleMs, 1),
  };
  if (httpTimeouts.headersMs > httpTimeouts.requestMs)
    problems.push(
      `${ENV.httpHeadersTimeoutMs} (${httpTimeouts.headersMs}) must not exceed ${ENV.httpRequestTimeoutMs} (${httpTimeouts.requestMs})`,
    );
  const config: ExecutorConfig = {
    manifestPath: env[ENV.appManifest] || DEFAULTS.manifestPath,
    databaseUrl,
    poolMax: integer(ENV.dbPoolMax, DEFAULTS.poolMax, 1),
    outbox: { pollMs: integer(ENV.outboxPollMs, DEFAULTS.outbox.pollMs, 10), batch: integer(ENV.outboxBatch, DEFAULTS.outbox.batch, 1) },
    checkpoints: {
      intervalMs: integer(ENV.auditCheckpointMs, DEFAULTS.checkpointMs, 100),
      ...(env[ENV.auditWitness] ? { witness: env[ENV.auditWitness] } : {}),
    },
    ...(auth ? { auth } : {}),
    operators: { role: env[ENV.operatorRole] || DEFAULT_OPERATOR_ROLE, ...(operatorAuth ? { auth: operatorAuth } : {}) },
    ...(schedulerAccount
      ? { scheduler: { serviceAccountEmail: schedulerAccount, ...(schedulerAudience ? { audience: schedulerAudience } : {}) } }
      : {}),
    paymentsBaseUrl: env[ENV.paymentsBaseUrl] || DEFAULTS.paymentsBaseUrl,
    ...(env[ENV.paymentsSecret] ? { defaultPaymentsSecret: env[ENV.paymentsSecret] } : {}),
    ...(env[ENV.smtpUrl] ? { smtpUrl: env[ENV.smtpUrl] } : {}),
    ...(env[ENV.emailFrom] ? { emailFrom: env[ENV.emailFrom] } : {}),
    ...(env[ENV.gcpProject] ? { projectId: env[ENV.gcpProject] } : {}),
    port: integer(ENV.port, DEFAULTS.port, 0),
    ...(env[ENV.metricsPort] ? { metricsPort: integer(ENV.metricsPort, 0, 1) } : {}),
    bodyLimitBytes: integer(ENV.bodyLimitBytes, DEFAULTS.bodyLimitBytes, 1),
    rateLimit: perSecond === 0 ? false : { perSecond, burst },
    unauthenticatedRateLimit: unauthenticatedPerSecond === 0 ? false : { perSecond: unauthenticatedPerSecond, burst: unauthenticatedBurst },
    trustProxyHops: integer(ENV.trustProxy, 0),
    refusalWindowSeconds: integer(ENV.auditRefusalWindowSeconds, DEFAULTS.refusalWindowSeconds, 1),
    httpTimeouts,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * What the migration job (FASCIA_RUN=migrate) needs: the manifest and the database. Auth,
 * secrets and effects are not read — migrating must not depend on values only serving needs.
 */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): MigrationConfig {
  const problems: string[] = [];
  const databaseUrl = databaseUrlOf(env, problems);
  if (problems.length) throw new ConfigError(problems);
  const runtimeUser = env[ENV.dbRuntimeUser] || undefined;
  return { manifestPath: env[ENV.appManifest] || DEFAULTS.manifestPath, databaseUrl, ...(runtimeUser ? { runtimeUser } : {}) };
}

export interface MigrationConfig extends Pick<ExecutorConfig, "manifestPath" | "databaseUrl"> {
  /** The database user the service runs as, granted row access after the migration (runtime-role.ts); unset locally. */
  runtimeUser?: string;
}

/** FASCIA_DB_URL (local runs), else a Cloud SQL socket or a TCP host, with name, user and password. */
function databaseUrlOf(env: NodeJS.ProcessEnv, problems: string[]): string {
  const url = env[ENV.dbUrl];
  if (url) return url;
  const name = env[ENV.dbName];
  const user = env[ENV.dbUser];
  if (!name) problems.push(`${ENV.dbName} is not set`);
  if (!user) problems.push(`${ENV.dbUser} is not set`);
  const password = env[ENV.dbPassword];
  const socketDir = env[ENV.dbSocketDir];
  const auth = `${encodeURIComponent(user ?? "")}${password ? `:${encodeURIComponent(password)}` : ""}`;
  if (socketDir) return `postgresql://${auth}@localhost/${encodeURIComponent(name ?? "")}?host=${encodeURIComponent(socketDir)}`;
  if (env[ENV.dbHost]) return `postgresql://${auth}@${env[ENV.dbHost]}:${env[ENV.dbPort] || "5432"}/${encodeURIComponent(name ?? "")}`;
  problems.push(`set ${ENV.dbSocketDir} (Cloud SQL) or ${ENV.dbHost} (and ${ENV.dbPort}), or ${ENV.dbUrl}`);
  return "";
}
