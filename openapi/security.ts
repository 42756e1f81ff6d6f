/**
 * How a caller proves who it is, as step 1 checks it (executor/invoke/authenticate.ts): HTTP tools
 * a bearer JWT, webhooks an HMAC signature header. Scheduled tools are reached by Cloud Scheduler
 * alone and are not in the document.
 */
import { SIGNATURE_HEADER } from "../contracts/http-headers";
import type { ToolSpec } from "../language/tool";
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
        "`t=<unix seconds>,v1=<hex>`: HMAC-SHA256 with the webhook's secret over `<t>.` followed by the raw body; a timestamp outside the executor's window (300 s by default) is refused.",
    },
  };
}

/** An operation's `security`: any one entry satisfies it, and `{}` is "nothing needed". */
export function operationSecurity(tool: ToolSpec, trigger: "http" | "webhook"): JsonSchema[] {
  if (trigger === "webhook") return [{ [SIGNATURE_SCHEME]: [] }];
  // A public tool takes no token, but verifies one that is sent (a bad one is 401).
  if (tool.auth?.public) return [{}, { [BEARER_SCHEME]: [] }];
  return [{ [BEARER_SCHEME]: [] }];
}
