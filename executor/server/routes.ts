/**
 * The executor's reserved routes, shared with the deployment: Cloud Scheduler's job for a
 * scheduled tool (components/routes.ts) must post to exactly the path the executor serves it at.
 * Pure: no fastify or Pulumi imports, so the components can depend on it.
 */

/** A scheduled tool has no path in its spec; Cloud Scheduler posts `{}` here with its OIDC token. */
export const SCHEDULED_PATH_PREFIX = "/_fascia/scheduled/";

export function scheduledToolPath(tool: string): string {
  return `${SCHEDULED_PATH_PREFIX}${tool}`;
}

export const HEALTH_PATH = "/healthz";
export const READINESS_PATH = "/readyz";
export const METRICS_PATH = "/metrics";
