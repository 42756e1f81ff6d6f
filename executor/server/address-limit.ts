/**
 * Unknown callers are limited by client address, before any work is done for them. Every request
 * to a tool that ends without a caller — a token or signature that does not verify, a 400/413
 * refused before authentication — takes a token from its address's bucket; once the bucket is
 * empty, that address's requests are 429 `RATE_LIMITED` at once, with `Retry-After`, before any
 * token or signature is verified (and before any database work: such refusals are tallied, not
 * appended, refusal-tally.ts). Requests that authenticate cost their address nothing, so callers
 * behind one NAT are not limited by each other's successes, only by its failures.
 *
 * The address is fastify's `request.ip`: the socket's peer, or — with FASCIA_TRUST_PROXY=<hops> —
 * the address that many trusted proxies in front saw (X-Forwarded-For read from the right, so a
 * client cannot choose its own address by sending the header). On Cloud Run the Google front end
 * is one hop.
 */
import { ToolError } from "../errors/catalogue";
import { createRateLimiter, type RateLimitSettings } from "../invoke/rate-limit";

export interface AddressLimit {
  /** The 429 for an address whose bucket is empty, or undefined when it may go on. */
  refusal(address: string): ToolError | undefined;
  /** A request from `address` ended without a caller: one token. */
  charge(address: string): void;
}

const NO_LIMIT: AddressLimit = { refusal: () => undefined, charge: () => undefined };

export function createAddressLimit(settings: RateLimitSettings | false): AddressLimit {
  if (settings === false) return NO_LIMIT;
  const buckets = createRateLimiter(settings);
  return {
    refusal(address) {
      if (!buckets.isEmpty(address)) return undefined;
      return ToolError.rateLimited(
        "too many requests from this address failed authentication; retry later",
        buckets.retryAfterSeconds(address),
      );
    },
    charge(address) {
      buckets.take(address);
    },
  };
}
