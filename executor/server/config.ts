/**
 * The executor's configuration from the environment (docs/executor-config.md): the manifest path,
 * the database, how bearer tokens and scheduler tokens are verified, the payments API and SMTP.
 * Every missing required variable is reported at once, by name.
 */
import { DEFAULT_TOKEN_CACHE } from "../auth/verified-tokens";

export interface ExecutorConfig {
  manifestPath: string;
  /** A `postgres://` URL (built from the FASCIA_DB_* variables) or `pglite:<dir>`. */
  databaseUrl: string;
  poolMax: number;
  /** Absent when no FASCIA_AUTH_* is set: then the app may have no HTTP tool (checked at start). */
  auth?: { issuer: string; audience: string; jwksUrl: string; rolesClaim: string; tokenCache: { maxEntries: number; maxAgeSeconds: number } };
  scheduler?: { serviceAccountEmail: string };
  paymentsBaseUrl: string;
  defaultPaymentsSecret?: string;
  smtpUrl?: string;
  emailFrom?: string;
  projectId?: string;
  port: number;
  bodyLimitBytes: number;
  rateLimit: { perSecond: number; burst: number } | false;
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
  port: 8080,
  poolMax: 10,
  bodyLimitBytes: 1024 * 1024,
  rateLimit: { perSecond: 50, burst: 200 },
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
  const authNames = ["FASCIA_AUTH_ISSUER", "FASCIA_AUTH_AUDIENCE", "FASCIA_AUTH_JWKS_URL"] as const;
  const auth = authNames.some((n) => env[n])
    ? {
        issuer: required("FASCIA_AUTH_ISSUER"),
        audience: required("FASCIA_AUTH_AUDIENCE"),
        jwksUrl: required("FASCIA_AUTH_JWKS_URL"),
        rolesClaim: env.FASCIA_AUTH_ROLES_CLAIM || DEFAULTS.rolesClaim,
        tokenCache: {
          maxEntries: integer("FASCIA_AUTH_TOKEN_CACHE_SIZE", DEFAULTS.tokenCache.maxEntries),
          maxAgeSeconds: integer("FASCIA_AUTH_TOKEN_CACHE_SECONDS", DEFAULTS.tokenCache.maxAgeSeconds, 1),
        },
      }
    : undefined;
  const databaseUrl = databaseUrlOf(env, problems);
  const perSecond = integer("FASCIA_RATE_LIMIT_PER_SECOND", DEFAULTS.rateLimit.perSecond);
  const burst = integer("FASCIA_RATE_LIMIT_BURST", Math.max(DEFAULTS.rateLimit.burst, perSecond), 1);
  const config: ExecutorConfig = {
    manifestPath: env.FASCIA_APP_MANIFEST || DEFAULTS.manifestPath,
    databaseUrl,
    poolMax: integer("FASCIA_DB_POOL_MAX", DEFAULTS.poolMax, 1),
    ...(auth ? { auth } : {}),
    ...(env.FASCIA_SCHEDULER_SERVICE_ACCOUNT ? { scheduler: { serviceAccountEmail: env.FASCIA_SCHEDULER_SERVICE_ACCOUNT } } : {}),
    paymentsBaseUrl: env.FASCIA_PAYMENTS_BASE_URL || DEFAULTS.paymentsBaseUrl,
    ...(env.FASCIA_PAYMENTS_SECRET ? { defaultPaymentsSecret: env.FASCIA_PAYMENTS_SECRET } : {}),
    ...(env.FASCIA_SMTP_URL ? { smtpUrl: env.FASCIA_SMTP_URL } : {}),
    ...(env.FASCIA_EMAIL_FROM ? { emailFrom: env.FASCIA_EMAIL_FROM } : {}),
    ...(env.FASCIA_GCP_PROJECT ? { projectId: env.FASCIA_GCP_PROJECT } : {}),
    port: integer("PORT", DEFAULTS.port, 0),
    bodyLimitBytes: integer("FASCIA_BODY_LIMIT_BYTES", DEFAULTS.bodyLimitBytes, 1),
    rateLimit: perSecond === 0 ? false : { perSecond, burst },
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/**
 * What the migration job (FASCIA_RUN=migrate) needs: the manifest and the database. Auth,
 * secrets and effects are not read — migrating must not depend on values only serving needs.
 */
export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): Pick<ExecutorConfig, "manifestPath" | "databaseUrl"> {
  const problems: string[] = [];
  const databaseUrl = databaseUrlOf(env, problems);
  if (problems.length) throw new ConfigError(problems);
  return { manifestPath: env.FASCIA_APP_MANIFEST || DEFAULTS.manifestPath, databaseUrl };
}

/** FASCIA_DB_URL (local runs), else a Cloud SQL socket or a TCP host, with name, user and password. */
function databaseUrlOf(env: NodeJS.ProcessEnv, problems: string[]): string {
  if (env.FASCIA_DB_URL) return env.FASCIA_DB_URL;
  const name = env.FASCIA_DB_NAME;
  const user = env.FASCIA_DB_USER;
  if (!name) problems.push("FASCIA_DB_NAME is not set");
  if (!user) problems.push("FASCIA_DB_USER is not set");
  const auth = `${encodeURIComponent(user ?? "")}${env.FASCIA_DB_PASSWORD ? `:${encodeURIComponent(env.FASCIA_DB_PASSWORD)}` : ""}`;
  if (env.FASCIA_DB_SOCKET_DIR) return `postgresql://${auth}@localhost/${encodeURIComponent(name ?? "")}?host=${encodeURIComponent(env.FASCIA_DB_SOCKET_DIR)}`;
  if (env.FASCIA_DB_HOST) return `postgresql://${auth}@${env.FASCIA_DB_HOST}:${env.FASCIA_DB_PORT || "5432"}/${encodeURIComponent(name ?? "")}`;
  problems.push("set FASCIA_DB_SOCKET_DIR (Cloud SQL) or FASCIA_DB_HOST (and FASCIA_DB_PORT), or FASCIA_DB_URL");
  return "";
}
