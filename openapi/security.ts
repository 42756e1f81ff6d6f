/**
 * How a caller proves who it is, as step 1 checks it (executor/invoke/authenticate.ts): HTTP tools
 * a bearer JWT, webhooks an HMAC signature header. Scheduled tools are reached by Cloud Scheduler
 * alone and are not in the document.
 */
import { SIGNATURE_HEADER } from "../contracts/http-headers";
import type { JsonSchema } from "./json-schema";

export const BEARER_SCHEME = "bearerAuth";
export const SIGNATURE_SCHEME = "webhookSignature";

/** `idempotency-key` → `Idempotency-Key`: how the header is written to people (HTTP header names ignore case). */
export function displayHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export function securitySchemes(): Record<string, JsonSchema> {
  return {
    [BEARER_SCHEME]: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description:
        "A JWT the deployment's issuer signed for its audience, with `exp`; `sub` is the caller's id and the roles come from the configured claim (docs/executor-config.md).",
    },
    [SIGNATURE_SCHEME]: {
      type: "apiKey",
      in: "header",
      name: displayHeader(SIGNATURE_HEADER),
      description:
        "`t=<unix seconds>,v1=<hex>`: HMAC-SHA256 with the webhook's secret over `<t>.` followed by the raw body; a timestamp more than 300 s from the executor's clock is refused.",
    },
  };
}
