/**
 * The operator API's wiring from the server's options: who may read it (the operator role, and the
 * operators' own issuer when one is configured, else the app's bearer authenticator) and the
 * settings it describes — the options themselves, so what it shows is what this server runs with.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { DEFAULT_OPERATOR_ROLE } from "../../contracts/operator-api";
import { createJwtAuthenticator, type Authenticate, type JwtSettings } from "../auth/jwt-authenticator";
import type { Executor } from "../invoke/invoke";
import type { RateLimitSettings } from "../invoke/rate-limit";
import type { DrainerSettings } from "../outbox/drainer";
import type { SettingsSource } from "../operator/deployment-settings";
import { registerOperatorRoutes, type AddressCharges } from "../operator/operator-routes";
import { DEFAULTS } from "./config";

/** The server's options the operator API reads (ServerOptions has them all). */
export interface OperatorApiOptions {
  auth: JwtSettings | { authenticate: Authenticate };
  /** Who may read the operator API: the role (default `operator`) and, when operators come from another issuer, how their tokens are verified. */
  operators?: { role?: string; auth?: JwtSettings | { authenticate: Authenticate } };
  /** What the settings route shows that no other option says: the pool size. */
  settings?: { poolMax?: number };
  rateLimit?: RateLimitSettings | false;
  unauthenticatedRateLimit?: RateLimitSettings | false;
  bodyLimitBytes?: number;
  outbox?: DrainerSettings | false;
  payments?: { defaultSecret?: string };
  email?: { smtpUrl?: string };
}

export function registerOperatorApi(
  server: FastifyInstance,
  options: OperatorApiOptions,
  { executor, addressLimit, logger }: { executor: Executor; addressLimit: AddressCharges; logger: Logger },
): void {
  const ownAuth = options.operators?.auth;
  const authenticate = !ownAuth ? executor.auth.bearer : "authenticate" in ownAuth ? ownAuth.authenticate : createJwtAuthenticator(ownAuth);
  const role = options.operators?.role ?? DEFAULT_OPERATOR_ROLE;
  registerOperatorRoutes(server, {
    executor,
    access: { authenticate, role },
    addressLimit,
    logger,
    settings: settingsOf(options, role, executor.app.secretNames),
  });
}

function settingsOf(options: OperatorApiOptions, role: string, secrets: readonly string[]): SettingsSource {
  const jwt = (auth: OperatorApiOptions["auth"] | undefined) => (auth && !("authenticate" in auth) ? auth : undefined);
  const described = (auth: JwtSettings) => ({
    issuer: auth.issuer,
    audience: auth.audience,
    ...("jwksUrl" in auth.keys ? { jwksUrl: auth.keys.jwksUrl } : {}),
  });
  const auth = jwt(options.auth);
  const operatorAuth = jwt(options.operators?.auth);
  const outbox = options.outbox ?? DEFAULTS.outbox;
  return {
    ...(auth ? { auth: { ...described(auth), rolesClaim: auth.rolesClaim ?? DEFAULTS.rolesClaim } } : {}),
    operators: { role, ...(operatorAuth ? described(operatorAuth) : {}) },
    rateLimit: options.rateLimit ?? DEFAULTS.rateLimit,
    unauthenticatedRateLimit: options.unauthenticatedRateLimit ?? DEFAULTS.unauthenticatedRateLimit,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes,
    ...(options.settings?.poolMax !== undefined ? { poolMax: options.settings.poolMax } : {}),
    outbox: outbox === false ? false : { pollMs: outbox.pollMs, batch: outbox.batch },
    secrets,
    ...(options.payments?.defaultSecret ? { paymentsSecret: options.payments.defaultSecret } : {}),
    smtpUrl: options.email?.smtpUrl !== undefined,
  };
}
