/**
 * Step 1 for webhooks: HMAC-SHA256 over `<timestamp>.<raw body>` with the tool's secret, sent as
 * `Fascia-Signature: t=<unix seconds>,v1=<hex>` (Stripe's scheme). A timestamp outside the window
 * is refused, so a captured delivery cannot be replayed later; within the window the provider's
 * event id (the idempotency key) makes a second delivery a replay of the first response.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { SIGNATURE_HEADER } from "../../contracts/http-headers";
import { ToolError } from "../errors/catalogue";

// Named in contracts/ because the OpenAPI document tells webhook senders about it too.
export { SIGNATURE_HEADER };
export const DEFAULT_WINDOW_SECONDS = 300;

export function signWebhook(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, rawBody)}`;
}

export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
  windowSeconds = DEFAULT_WINDOW_SECONDS,
): void {
  const refuse = (message: string) => ToolError.of("UNAUTHENTICATED", undefined, [{ path: `header.${SIGNATURE_HEADER}`, message }]);
  if (!header) throw refuse("no signature header");
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const signatures = header
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.startsWith("v1="))
    .map((p) => p.slice(3));
  if (!Number.isInteger(t) || signatures.length === 0) throw refuse("the signature header is not `t=<seconds>,v1=<hex>`");
  if (Math.abs(nowSeconds - t) > windowSeconds) throw refuse(`the signature timestamp is outside the ${windowSeconds}s window`);
  const expected = Buffer.from(hmac(secret, t, rawBody), "hex");
  const ok = signatures.some((s) => {
    const given = Buffer.from(s, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw refuse("the signature does not match the body");
}

function hmac(secret: string, t: number, rawBody: string | Buffer): string {
  return createHmac("sha256", secret).update(`${t}.`).update(rawBody).digest("hex");
}
