/**
 * The request and response headers a client of the executor must name exactly: the executor reads
 * and writes them, and the OpenAPI document (openapi/) tells clients about them, from these
 * constants. Lower case, as Node hands request headers over.
 */

/** Step 5 of HTTP tools: one key per logical operation; a retry with the same key replays. */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
/** Step 1 of webhook tools: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const SIGNATURE_HEADER = "fascia-signature";
/** On every response, success or error: the invocation's id, as in the logs and the audit record. */
export const INVOCATION_HEADER = "x-fascia-invocation-id";
/** On a response replayed for a repeated Idempotency-Key: `true`. */
export const REPLAYED_HEADER = "idempotent-replayed";
