/**
 * Step 5: which idempotency key an invocation has. HTTP tools: the Idempotency-Key header.
 * Scheduled runs: the job and its scheduled time (Cloud Scheduler delivers at least once and
 * sends X-CloudScheduler-ScheduleTime), so a redelivery replays. Webhooks: the provider's event
 * id (the trigger's `eventId`, default `input.id`).
 */
import { IDEMPOTENCY_KEY_HEADER } from "../../contracts/http-headers";
import type { RuntimeTool } from "../app/runtime-app";
import { fromCel } from "../cel/values";
import { ToolError } from "../errors/catalogue";
import { header, type InvocationRequest } from "./request";

const MAX_KEY_LENGTH = 255;

export function idempotencyKeyOf(tool: RuntimeTool, request: InvocationRequest, celContext: Record<string, unknown>): string | null {
  if (tool.plan.idempotency === "none") return null;
  let key: string | undefined;
  let where = `header.${IDEMPOTENCY_KEY_HEADER}`;
  const route = tool.route;
  if (route.kind === "webhook") {
    const value = fromCel(tool.preFlow.evaluate(route.eventId, celContext, "trigger.webhook.eventId"));
    where = "trigger.webhook.eventId";
    key = value === null || value === undefined || value === "" ? undefined : `event:${String(value)}`;
  } else {
    const scheduled = route.kind === "schedule" ? header(request, "x-cloudscheduler-scheduletime") : undefined;
    if (scheduled) {
      key = `schedule:${scheduled}`;
      where = "header.x-cloudscheduler-scheduletime";
    } else key = header(request, IDEMPOTENCY_KEY_HEADER);
  }
  if (key === undefined) {
    if (tool.plan.idempotency === "required")
      throw ToolError.of("IDEMPOTENCY_KEY_REQUIRED", undefined, [
        { path: where, message: route.kind === "webhook" ? "the event has no id" : "is required by this tool" },
      ]);
    return null;
  }
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || [...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw ToolError.of("INVALID_INPUT", undefined, [{ path: where, message: `must be 1 to ${MAX_KEY_LENGTH} printable characters` }]);
  }
  return key;
}
