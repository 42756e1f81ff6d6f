/**
 * Token buckets, in memory (per executor instance), keyed by whatever is limited: step 4's rate
 * per caller, and the server's rate of failed authentications per client address
 * (server/address-limit.ts).
 */
export interface RateLimitSettings {
  /** Sustained requests per second per key. */
  perSecond: number;
  /** Requests a key may make at once. */
  burst: number;
}

export interface RateLimiter {
  /** Takes one token; false when the key's bucket is empty (nothing is taken then). */
  take(key: string, now?: number): boolean;
  /** Whether the key's bucket is empty, taking nothing. */
  isEmpty(key: string, now?: number): boolean;
  /** Whole seconds until the key's bucket holds a token again, at least 1: a 429's Retry-After. */
  retryAfterSeconds(key: string, now?: number): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 50_000;

export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  const buckets = new Map<string, Bucket>();
  /** The key's tokens as of `now` (a key never seen has a full bucket). */
  const tokensAt = (key: string, now: number) => {
    const bucket = buckets.get(key);
    return bucket ? Math.min(settings.burst, bucket.tokens + ((now - bucket.at) / 1000) * settings.perSecond) : settings.burst;
  };
  return {
    take(key, now = Date.now()) {
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) prune(buckets, settings, now);
        buckets.set(key, (bucket = { tokens: settings.burst, at: now }));
      }
      bucket.tokens = tokensAt(key, now);
      bucket.at = now;
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    isEmpty(key, now = Date.now()) {
      return tokensAt(key, now) < 1;
    },
    retryAfterSeconds(key, now = Date.now()) {
      return Math.max(1, Math.ceil((1 - tokensAt(key, now)) / settings.perSecond));
    },
  };
}

/** Full buckets carry no state worth keeping. */
function prune(buckets: Map<string, Bucket>, settings: RateLimitSettings, now: number): void {
  for (const [key, bucket] of buckets) {
    if (bucket.tokens + ((now - bucket.at) / 1000) * settings.perSecond >= settings.burst) buckets.delete(key);
  }
}
