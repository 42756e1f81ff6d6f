/**
 * Who may reach the Cloud Run service. The executor authenticates every call itself (execution
 * contract step 1: the app's JWTs, webhook HMAC signatures, the scheduler's OIDC token), while
 * Cloud Run's own IAM check admits only Google identities. So the service is public — ingress
 * from the internet and `roles/run.invoker` for `allUsers` — only when a tool must be callable
 * from the internet: an HTTP tool (its callers carry the app's tokens, or none when `public`) or
 * a webhook (the payment provider has no Google identity). An app of scheduled tools only stays
 * internal, and the scheduler's service account alone may invoke it. Pure: no Pulumi imports.
 */
import type { ToolSpec } from "../language/tool";

export type Ingress = "INGRESS_TRAFFIC_ALL" | "INGRESS_TRAFFIC_INTERNAL_ONLY";

export interface Exposure {
  ingress: Ingress;
  /** Members granted roles/run.invoker on the service besides the scheduler's account. */
  invokers: string[];
  /** The tools that made the service public, for the docs and error messages. */
  publicTools: string[];
}

export const ALL_USERS = "allUsers";

export function isInternetFacing(tool: ToolSpec): boolean {
  return tool.trigger.http !== undefined || tool.trigger.webhook !== undefined;
}

/**
 * `invokers` replaces `allUsers` with named Google principals, for organisations whose policy
 * forbids public services and whose callers hold Google identities.
 */
export function serviceExposure(tools: readonly ToolSpec[], invokers?: readonly string[]): Exposure {
  const publicTools = tools
    .filter(isInternetFacing)
    .map((t) => t.name)
    .sort();
  if (publicTools.length === 0) return { ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invokers: [], publicTools };
  for (const member of invokers ?? []) {
    if (!/^(allUsers|allAuthenticatedUsers|(user|group|serviceAccount|domain|principal|principalSet):.+)$/.test(member)) {
      throw new Error(
        `\`service.invokers\` entry "${member}" is not an IAM member (expected e.g. "group:callers@example.com" or "serviceAccount:…")`,
      );
    }
  }
  return { ingress: "INGRESS_TRAFFIC_ALL", invokers: invokers ? [...new Set(invokers)].sort() : [ALL_USERS], publicTools };
}
