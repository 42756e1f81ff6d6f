/** Tool deadlines turned into what Cloud Run and Cloud Scheduler take. Pure. */
import { durationMs } from "../language/common";
import type { ToolSpec } from "../language/tool";

/** Cloud Run's request timeout: the longest tool deadline plus a margin for the response. */
export const REQUEST_TIMEOUT_MARGIN_S = 10;
export const DEFAULT_TOOL_TIMEOUT_S = 60;
export const MAX_REQUEST_TIMEOUT_S = 3600;

export function requestTimeoutSeconds(tools: readonly ToolSpec[]): number {
  const longest = Math.max(
    DEFAULT_TOOL_TIMEOUT_S,
    ...tools.map((t) => (t.timeout ? Math.ceil(durationMs(t.timeout) / 1000) : DEFAULT_TOOL_TIMEOUT_S)),
  );
  return Math.min(longest + REQUEST_TIMEOUT_MARGIN_S, MAX_REQUEST_TIMEOUT_S);
}

/** Cloud Scheduler's attempt deadline for one tool: its timeout plus the margin, 15 s to 30 min. */
export function attemptDeadline(tool: ToolSpec): string {
  const seconds = (tool.timeout ? Math.ceil(durationMs(tool.timeout) / 1000) : DEFAULT_TOOL_TIMEOUT_S) + REQUEST_TIMEOUT_MARGIN_S;
  return `${Math.min(Math.max(seconds, 15), 1800)}s`;
}
