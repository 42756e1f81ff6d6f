/**
 * Step 1 for scheduled tools: Cloud Scheduler calls with an OIDC token of its service account,
 * signed by Google, whose audience is the service URL. Only that service account is accepted;
 * the caller gets the role `scheduler`. The expected audience is configuration, never the
 * request's Host header: a Host is whatever the caller sends, so checking a token against it
 * would accept a token minted for any other service.
 */
import { jwtVerify, type JWTVerifyGetKey } from "jose";
import { bearerToken, remoteJwks, unauthenticated } from "./jwt-authenticator";
import type { Caller } from "./caller";
import { SCHEDULER_ROLE } from "../../contracts/routes";
import { ENV } from "../../contracts/environment";

export const GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"];
export const GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs";

/** Why every scheduler token is refused when the deployment did not say which URL is this service's. */
export const SCHEDULER_AUDIENCE_UNSET = `scheduled tools cannot be authenticated here: ${ENV.schedulerAudience} (this service's own URL, the audience of the scheduler's token) is not set`;

export interface SchedulerSettings {
  /** The service's own URL (FASCIA_SCHEDULER_AUDIENCE), which the scheduler job sets as the token's audience. Absent: every token is refused. */
  audience?: string;
  /** The scheduler's service account; tokens of any other account are refused. */
  serviceAccountEmail: string;
  jwksUrl?: string;
  issuers?: string[];
}

export function createSchedulerAuthenticator(settings: SchedulerSettings) {
  const keys: JWTVerifyGetKey = remoteJwks(settings.jwksUrl ?? GOOGLE_JWKS_URL);
  const audience = settings.audience;
  return async (authorization: string | undefined): Promise<Caller> => {
    if (!audience) throw unauthenticated(SCHEDULER_AUDIENCE_UNSET);
    const token = bearerToken(authorization);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: settings.issuers ?? GOOGLE_ISSUERS, audience, clockTolerance: 30 }));
    } catch (error) {
      throw unauthenticated(`the scheduler token is not valid (${(error as { code?: string }).code ?? "unverifiable"})`);
    }
    if (payload.email !== settings.serviceAccountEmail || payload.email_verified === false) {
      throw unauthenticated("the token is not from the scheduler's service account");
    }
    return { id: String(payload.email), roles: [SCHEDULER_ROLE], claims: payload };
  };
}
