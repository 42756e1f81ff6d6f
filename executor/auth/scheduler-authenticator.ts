/**
 * Step 1 for scheduled tools: Cloud Scheduler calls with an OIDC token of its service account,
 * signed by Google, whose audience is the service URL. Only that service account is accepted;
 * the caller gets the role `scheduler`.
 */
import { jwtVerify, type JWTVerifyGetKey } from "jose";
import { bearerToken, remoteJwks, unauthenticated } from "./jwt-authenticator";
import type { Caller } from "./caller";
import { SCHEDULER_ROLE } from "../../contracts/routes";

export const GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"];
export const GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs";

export interface SchedulerSettings {
  /** The service URL, which the scheduler job sets as the token's audience (or pass one per call). */
  audience?: string;
  /** The scheduler's service account; tokens of any other account are refused. */
  serviceAccountEmail: string;
  jwksUrl?: string;
  issuers?: string[];
}

export function createSchedulerAuthenticator(settings: SchedulerSettings) {
  const keys: JWTVerifyGetKey = remoteJwks(settings.jwksUrl ?? GOOGLE_JWKS_URL);
  /** `audience` overrides the settings' one: the executor passes `https://<Host>` per request. */
  return async (authorization: string | undefined, audience: string | undefined = settings.audience): Promise<Caller> => {
    const token = bearerToken(authorization);
    if (!audience) throw unauthenticated("the service URL (the token's expected audience) is unknown");
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
