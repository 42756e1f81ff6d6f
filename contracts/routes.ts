/**
 * Where each tool is reached, and which paths the executor keeps for itself. One definition for
 * every side that must agree: the loader refuses a tool on a reserved path (FS033), the executor
 * serves each tool at its route, the deployment points Cloud Scheduler at a scheduled tool's path,
 * and `fascia dev` prints the routes. Pure: no fastify or Pulumi imports.
 */
import type { ToolSpec } from "../language/tool";

/** The three ways a tool is invoked; the plan, the audit record and the deployment name them so. */
export type TriggerKind = "http" | "webhook" | "schedule";

/**
 * The role a caller has when the trigger itself is the caller: Cloud Scheduler's verified OIDC
 * token, or a webhook delivery with a valid signature. A tool's `auth` must admit it.
 */
export const SCHEDULER_ROLE = "scheduler";
export const WEBHOOK_ROLE = "webhook";

export function triggerKind(tool: ToolSpec): TriggerKind {
  const { http, webhook, schedule } = tool.trigger;
  if (http) return "http";
  if (webhook) return "webhook";
  if (schedule) return "schedule";
  throw new Error(`tool ${tool.name} has no trigger`);
}

/** A scheduled tool has no path in its spec; Cloud Scheduler posts `{}` here with its OIDC token. */
export const SCHEDULED_PATH_PREFIX = "/_fascia/scheduled/";
/** `fascia dev` runs a scheduled tool on demand here (never served by a deployed executor). */
export const DEV_RUN_PREFIX = "/_dev/run/";

export const HEALTH_PATH = "/healthz";
export const READINESS_PATH = "/readyz";
export const METRICS_PATH = "/metrics";
/** The app's OpenAPI 3.1 document (openapi/), under the reserved prefix so no tool can take it. */
export const OPENAPI_PATH = "/_fascia/openapi.json";

/** Paths the executor serves itself: a tool there would collide with them at startup. */
export const RESERVED_PATHS: readonly string[] = [HEALTH_PATH, READINESS_PATH, METRICS_PATH];
export const RESERVED_PREFIXES: readonly string[] = ["/_fascia/", "/_dev/"];

/** True for a reserved path, with or without a trailing slash, and for anything below a reserved prefix. */
export function isReservedPath(path: string): boolean {
  const bare = path.replace(/\/+$/, "") || "/";
  return RESERVED_PATHS.includes(bare) || RESERVED_PREFIXES.some((p) => `${bare}/`.startsWith(p));
}

/** How a reserved path is described to a spec author. */
export function describeReservedPaths(): string {
  return [...RESERVED_PATHS, ...RESERVED_PREFIXES.map((p) => `${p}…`)].join(", ");
}

export function scheduledToolPath(tool: string): string {
  return `${SCHEDULED_PATH_PREFIX}${tool}`;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A tool's route with what each trigger needs to serve it. `path` is the spec's (`/rooms/{roomId}`). */
export type ToolRoute =
  | { readonly kind: "http"; readonly method: HttpMethod; readonly path: string }
  | { readonly kind: "webhook"; readonly method: "POST"; readonly path: string; readonly secret: string; readonly eventId: string }
  | { readonly kind: "schedule"; readonly method: "POST"; readonly path: string; readonly cron: string; readonly timezone: string };

export function toolRoute(tool: ToolSpec): ToolRoute {
  const { http, webhook, schedule } = tool.trigger;
  if (http) return { kind: "http", method: http.method, path: http.path };
  if (webhook)
    return { kind: "webhook", method: "POST", path: webhook.path, secret: webhook.secret, eventId: webhook.eventId ?? "input.id" };
  if (schedule)
    return {
      kind: "schedule",
      method: "POST",
      path: scheduledToolPath(tool.name),
      cron: schedule.cron,
      timezone: schedule.timezone ?? "UTC",
    };
  throw new Error(`tool ${tool.name} has no trigger`);
}

/** `/rooms/{roomId}` → `/rooms/:roomId`, the router's syntax. */
export function routerPath(specPath: string): string {
  return specPath.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

/** Method and path with parameter names erased: two tools with the same key would answer the same requests. */
export function routeKey(route: Pick<ToolRoute, "method" | "path">): string {
  return `${route.method} ${route.path}`.replace(/\{[^}]*\}/g, "{}").replace(/\/+$/, "");
}
