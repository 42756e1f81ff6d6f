/**
 * Step 1 for HTTP tools: a bearer JWT verified with jose against the configured issuer, audience
 * and key set (a JWKS URL in production, the app's local key in `fascia dev`). `sub` becomes
 * `caller.id`; roles come from a configurable claim.
 */
import { createRemoteJWKSet, errors, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyGetKey, type KeyObject } from "jose";
import { ToolError } from "../errors/catalogue";
import type { Caller } from "./caller";
import { createVerifiedTokenCache, DEFAULT_TOKEN_CACHE } from "./verified-tokens";

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** A JWKS URL (production) or a public key (local mode). */
  keys: { jwksUrl: string } | { publicKey: KeyObject | CryptoKey };
  /** Claim holding the caller's roles: a list of strings, or one space-separated string. Default `roles`. */
  rolesClaim?: string;
  /**
   * Longest lifetime a token may claim, in seconds: `exp − iat`, or `exp − now` without `iat`.
   * A token without `exp` never expires and is refused. Default 24 h (DEFAULT_MAX_TOKEN_LIFETIME_SECONDS).
   */
  maxLifetimeSeconds?: number;
  /** Accepted clock difference, in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** Verified tokens remembered (verified-tokens.ts); `maxEntries: 0` verifies every request. */
  tokenCache?: { maxEntries: number; maxAgeSeconds: number };
  /** The verification itself (tests wrap jose's to count calls); seconds since the epoch. */
  verify?: typeof jwtVerify;
  nowSeconds?: () => number;
}

/** A bearer token valid for longer than a day is a credential nobody will rotate: refused unless configured. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export type Authenticate = (authorization: string | undefined) => Promise<Caller>;

/**
 * jose's remote JWKS, created at the first verification rather than at startup: creating it builds
 * fetch's `Headers`, which on Node 20 loads all of undici (~20 ms of a cold start), while the
 * first verification fetches the key set anyway. The URL is parsed here, so a bad one still stops
 * the start.
 */
export function remoteJwks(url: string): JWTVerifyGetKey {
  const parsed = new URL(url);
  let jwks: JWTVerifyGetKey | undefined;
  return (header, token) => (jwks ??= createRemoteJWKSet(parsed))(header, token);
}

export function createJwtAuthenticator(settings: JwtSettings): Authenticate {
  const key: JWTVerifyGetKey | KeyObject | CryptoKey =
    "jwksUrl" in settings.keys ? remoteJwks(settings.keys.jwksUrl) : settings.keys.publicKey;
  const rolesClaim = settings.rolesClaim ?? "roles";
  const clockTolerance = settings.clockToleranceSeconds ?? 30;
  const verify = settings.verify ?? jwtVerify;
  const now = settings.nowSeconds;
  const verified = createVerifiedTokenCache<Caller>({
    ...(settings.tokenCache ?? DEFAULT_TOKEN_CACHE),
    clockToleranceSeconds: clockTolerance,
    ...(now ? { nowSeconds: now } : {}),
  });
  return async (authorization) => {
    const token = bearerToken(authorization);
    const known = verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token, key as JWTVerifyGetKey, {
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance,
        ...(now ? { currentDate: new Date(now() * 1000) } : {}),
      }));
    } catch (error) {
      throw unauthenticated(reason(error));
    }
    if (typeof payload.sub !== "string" || payload.sub === "") throw unauthenticated("the token has no subject (sub)");
    checkLifetime(payload, settings.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, now?.() ?? Math.floor(Date.now() / 1000));
    const caller: Caller = { id: payload.sub, roles: rolesOf(payload[rolesClaim]), claims: payload as Record<string, unknown> };
    verified.remember(token, caller, payload.exp);
    return caller;
  };
}

/** A token must expire, and not later than `maxSeconds` after it was issued (or, without `iat`, after now). */
function checkLifetime(payload: JWTPayload, maxSeconds: number, nowSeconds: number): void {
  if (typeof payload.exp !== "number") throw unauthenticated("the token has no expiry (exp); tokens that never expire are not accepted");
  const from = typeof payload.iat === "number" ? { at: payload.iat, name: "exp − iat" } : { at: nowSeconds, name: "exp − now" };
  const lifetime = payload.exp - from.at;
  if (lifetime > maxSeconds)
    throw unauthenticated(`the token is valid for too long (${from.name} = ${lifetime} s; at most ${maxSeconds} s is accepted)`);
}

export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match) throw unauthenticated(authorization ? "the Authorization header is not `Bearer <token>`" : "no Authorization header");
  return match[1]!;
}

export function unauthenticated(message: string): ToolError {
  return ToolError.of("UNAUTHENTICATED", undefined, [{ path: "header.authorization", message }]);
}

function rolesOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((r): r is string => typeof r === "string");
  if (typeof claim === "string") return claim.split(/\s+/).filter(Boolean);
  return [];
}

/** Says why a token was refused without echoing the token itself. */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (error instanceof errors.JWKSNoMatchingKey) return "no key of the issuer matches the token";
  if (error instanceof errors.JOSEError) return `the token is not valid (${error.code})`;
  return "the token could not be verified";
}
