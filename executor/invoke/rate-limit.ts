/** Step 4's request rate limit: a token bucket per caller, in memory (per executor instance). */
export interface RateLimitSettings {
  /** Sustained requests per second per caller. */
  perSecond: number;
  /** Requests a caller may make at once. */
  burst: number;
}

export interface RateLimiter {
  /** Takes one token; false when the caller's bucket is empty. */
  take(caller: string, now?: number): boolean;
}

const MAX_BUCKETS = 50_000;

export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(caller, now = Date.now()) {
      let bucket = buckets.get(caller);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) prune(buckets, settings, now);
        buckets.set(caller, (bucket = { tokens: settings.burst, at: now }));
      }
      bucket.tokens = Math.min(settings.burst, bucket.tokens + ((now - bucket.at) / 1000) * settings.perSecond);
      bucket.at = now;
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}

/** Full buckets carry no state worth keeping. */
function prune(buckets: Map<string, { tokens: number; at: number }>, settings: RateLimitSettings, now: number): void {
  for (const [caller, bucket] of buckets) {
    if (bucket.tokens + ((now - bucket.at) / 1000) * settings.perSecond >= settings.burst) buckets.delete(caller);
  }
}
