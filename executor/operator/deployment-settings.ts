/**
 * The deployment's settings as this executor sees them, each with the environment variable it was
 * read from, the FasciaDeployment argument that sets it and — where the examples' stack program
 * (examples/reservations-stack/index.ts) reads a config key for it — the `pulumi config set …`
 * that changes it. A secret is only ever `set` or `missing`: its value never leaves the process.
 */
import type { DeploymentSetting } from "../../contracts/operator-api";
import { ENV, secretEnvName } from "../../contracts/environment";

/** What the executor runs with, gathered by buildServer from its options (and `settings` for what they do not show). */
export interface SettingsSource {
  auth?: { issuer: string; audience: string; jwksUrl?: string; rolesClaim: string };
  operators: { role: string; issuer?: string; audience?: string; jwksUrl?: string };
  rateLimit: { perSecond: number; burst: number } | false;
  unauthenticatedRateLimit: { perSecond: number; burst: number } | false;
  bodyLimitBytes: number;
  poolMax?: number;
  outbox: { pollMs: number; batch: number } | false;
  /** The secrets the specs name (all present: the executor does not start without them). */
  secrets: readonly string[];
  /** The secret payment nodes without one of their own use: a name, not a value. */
  paymentsSecret?: string;
  /** May carry a password: only whether it is set. */
  smtpUrl: boolean;
}

/** The stack program's config keys, by argument path: only these have a `pulumi config set`. */
const STACK_CONFIG: Record<string, string> = {
  "auth.issuer": "authIssuer",
  "auth.audience": "authAudience",
  "auth.jwksUrl": "authJwksUrl",
  "operators.role": "operatorRole",
  "operators.issuer": "operatorAuthIssuer",
  "operators.audience": "operatorAuthAudience",
  "operators.jwksUrl": "operatorAuthJwksUrl",
};

function setting(group: string, name: string, value: DeploymentSetting["value"], env?: string, argument?: string): DeploymentSetting {
  const key = argument ? STACK_CONFIG[argument] : undefined;
  return {
    group,
    name,
    value,
    ...(env ? { env } : {}),
    ...(argument ? { argument } : {}),
    ...(key ? { configSet: `pulumi config set ${key} <${name}>` } : {}),
  };
}

const presence = (present: boolean) => (present ? "set" : "missing");

export function describeSettings(source: SettingsSource): DeploymentSetting[] {
  const { auth, operators, rateLimit, unauthenticatedRateLimit, outbox } = source;
  const secretSettings = source.secrets.map((name) => ({
    ...setting("secrets", name, presence(true), secretEnvName(name), `secrets.${name}`),
    configSet: `pulumi config set --secret ${name} <value>`,
  }));
  return [
    setting("auth", "issuer", auth?.issuer ?? null, ENV.authIssuer, "auth.issuer"),
    setting("auth", "audience", auth?.audience ?? null, ENV.authAudience, "auth.audience"),
    setting("auth", "jwksUrl", auth?.jwksUrl ?? null, ENV.authJwksUrl, "auth.jwksUrl"),
    setting("auth", "rolesClaim", auth?.rolesClaim ?? null, ENV.authRolesClaim, "auth.rolesClaim"),
    setting("operators", "role", operators.role, ENV.operatorRole, "operators.role"),
    setting("operators", "issuer", operators.issuer ?? auth?.issuer ?? null, ENV.operatorAuthIssuer, "operators.issuer"),
    setting("operators", "audience", operators.audience ?? auth?.audience ?? null, ENV.operatorAuthAudience, "operators.audience"),
    setting("operators", "jwksUrl", operators.jwksUrl ?? auth?.jwksUrl ?? null, ENV.operatorAuthJwksUrl, "operators.jwksUrl"),
    setting("limits", "ratePerSecond", rateLimit ? rateLimit.perSecond : 0, ENV.rateLimitPerSecond),
    setting("limits", "rateBurst", rateLimit ? rateLimit.burst : 0, ENV.rateLimitBurst),
    setting(
      "limits",
      "unauthenticatedPerSecond",
      unauthenticatedRateLimit ? unauthenticatedRateLimit.perSecond : 0,
      ENV.rateLimitUnauthenticatedPerSecond,
    ),
    setting(
      "limits",
      "unauthenticatedBurst",
      unauthenticatedRateLimit ? unauthenticatedRateLimit.burst : 0,
      ENV.rateLimitUnauthenticatedBurst,
    ),
    setting("limits", "bodyLimitBytes", source.bodyLimitBytes, ENV.bodyLimitBytes),
    setting("database", "poolMax", source.poolMax ?? null, ENV.dbPoolMax),
    setting("effects", "outboxPollMs", outbox ? outbox.pollMs : null, ENV.outboxPollMs),
    setting("effects", "outboxBatch", outbox ? outbox.batch : null, ENV.outboxBatch),
    ...secretSettings,
    setting("effects", "paymentsSecret", source.paymentsSecret ?? null, ENV.paymentsSecret),
    setting("secrets", "smtpUrl", presence(source.smtpUrl), ENV.smtpUrl),
  ];
}
