/**
 * Where each tool is reached on the executor. HTTP tools and webhooks answer at their spec path;
 * a scheduled tool has no path in its spec, so Cloud Scheduler posts to a fixed, reserved one
 * (documented in docs/executor-config.md). Pure: no Pulumi imports.
 */
import type { ToolSpec } from "../spec/language/tool";

export const SCHEDULED_PATH_PREFIX = "/_fascia/scheduled/";

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
  if (schedule) return { kind: "schedule", method: "POST", path: `${SCHEDULED_PATH_PREFIX}${tool.name}` };
  throw new Error(`tool ${tool.name} has no trigger`);
}

/** `https://host` + `/path`, without a doubled slash when the URL ends with one. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}
