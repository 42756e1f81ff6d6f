/**
 * Tokens whose signature and claims already verified, so a client that sends the same bearer
 * token on every request (as clients do for the token's lifetime) costs one ECDSA/RSA
 * verification per minute instead of one per request — the same trade API gateways make (Envoy's
 * jwt_authn `jwt_cache_config`, ESPv2).
 *
 * What keeps it safe:
 *   - only tokens that passed full verification go in; a lookup matches the whole token text,
 *     signature included (by its SHA-256, so the cache holds no usable bearer token);
 *   - an entry is used only while the token itself is still valid (`exp`, with the verifier's
 *     clock tolerance) and for at most `maxAgeSeconds` after it was verified, so a key removed
 *     from the issuer's JWKS, or a changed roles claim, stops counting within that bound;
 *   - the cache is bounded (`maxEntries`); when full, the oldest entry makes room.
 */
import { createHash } from "node:crypto";

export interface VerifiedTokenCacheSettings {
  /** Most tokens kept; 0 turns the cache off. */
  maxEntries: number;
  /** How long a verification counts, at most. */
  maxAgeSeconds: number;
  /** The clock tolerance the verifier accepted `exp` with. */
  clockToleranceSeconds: number;
  /** Seconds since the epoch (injected by tests). */
  nowSeconds?: () => number;
}

/** What a verified token stands for (the caller), by token. */
export interface VerifiedTokenCache<T> {
  get(token: string): T | undefined;
  /** `exp`: the token's expiry claim, in seconds since the epoch, if it has one. */
  remember(token: string, value: T, exp: number | undefined): void;
  readonly size: number;
}

interface Entry<T> {
  value: T;
  /** Seconds since the epoch after which the entry no longer counts. */
  until: number;
}

/** FASCIA_AUTH_TOKEN_CACHE_SIZE and FASCIA_AUTH_TOKEN_CACHE_SECONDS (docs/executor-config.md). */
export const DEFAULT_TOKEN_CACHE = { maxEntries: 10_000, maxAgeSeconds: 60 } as const;

export function createVerifiedTokenCache<T>(settings: VerifiedTokenCacheSettings): VerifiedTokenCache<T> {
  const entries = new Map<string, Entry<T>>();
  const now = settings.nowSeconds ?? (() => Date.now() / 1000);
  const keyOf = (token: string) => createHash("sha256").update(token).digest("base64");
  return {
    get(token) {
      if (settings.maxEntries === 0 || entries.size === 0) return undefined;
      const key = keyOf(token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() >= entry.until) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    remember(token, value, exp) {
      if (settings.maxEntries === 0) return;
      const verifiedAt = now();
      const expires = typeof exp === "number" ? exp + settings.clockToleranceSeconds : Infinity;
      const until = Math.min(expires, verifiedAt + settings.maxAgeSeconds);
      if (until <= verifiedAt) return;
      const key = keyOf(token);
      entries.delete(key);
      // Shared by every request that sends this token: nobody may change it in place.
      deepFreeze(value);
      while (entries.size >= settings.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until });
    },
    get size() {
      return entries.size;
    },
  };
}

/** Freezes a value and everything inside it (Maps' entries included); returns it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (value instanceof Map) for (const inner of value.values()) deepFreeze(inner);
  else for (const inner of Object.values(value)) deepFreeze(inner);
  return value;
}
