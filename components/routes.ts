/**
 * Where each tool is reached on the executor. HTTP tools and webhooks answer at their spec path;
 * a scheduled tool has no path in its spec, so Cloud Scheduler posts to the reserved one the
 * executor serves it at (executor/server/routes.ts, docs/executor-config.md). Pure: no Pulumi imports.
 */
import { scheduledToolPath } from "../executor/server/routes";
import type { ToolSpec } from "../language/tool";

/** The executor's own definition (executor/server/routes.ts): one path for both sides. */
export { SCHEDULED_PATH_PREFIX } from "../executor/server/routes";

export type TriggerKind = "http" | "webhook" | "schedule";

export interface ToolRoute {
  kind: TriggerKind;
  method: string;
  path: string;
}

export function toolRoute(tool: ToolSpec): ToolRoute {
  const { http, webhook, schedule } = tool.trigger;
  if (http) return { kind: "http", method: http.method, path: http.path };
  if (webhook) return { kind: "webhook", method: "POST", path: webhook.path };
  if (schedule) return { kind: "schedule", method: "POST", path: scheduledToolPath(tool.name) };
  throw new Error(`tool ${tool.name} has no trigger`);
}

/** `https://host` + `/path`, without a doubled slash when the URL ends with one. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}
