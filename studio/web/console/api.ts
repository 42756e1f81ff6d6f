/** The Console's routes of the studio's server (studio/protocol.ts), each the executor's operator API read through the studio's proxy. */
import type {
  ChainVerification,
  ConsoleInfo,
  DeploymentSettings,
  DeploymentState,
  InvocationDetail,
  InvocationFilter,
  InvocationPage,
  ToolMetricsReport,
} from "../../protocol";
import { call } from "../api";

/** A query string of the parameters that are set. */
function query(params: Record<string, string | number | undefined>): string {
  const set = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== "");
  return set.length ? `?${new URLSearchParams(set.map(([k, v]) => [k, String(v)])).toString()}` : "";
}

export const consoleApi = {
  info: () => call<ConsoleInfo>("GET", "/api/console"),
  invocations: (filter: InvocationFilter, page: { cursor?: string; limit?: number } = {}) =>
    call<InvocationPage>("GET", `/api/console/invocations${query({ ...filter, ...page })}`),
  invocation: (id: string) => call<InvocationDetail>("GET", `/api/console/invocations/${encodeURIComponent(id)}`),
  verify: () => call<ChainVerification>("GET", "/api/console/audit/verify"),
  metrics: (since: string, step: number) => call<ToolMetricsReport>("GET", `/api/console/metrics${query({ since, step })}`),
  deployment: () => call<DeploymentState>("GET", "/api/console/deployment"),
  settings: () => call<DeploymentSettings>("GET", "/api/console/settings"),
};

/** Where the executor's OpenAPI document is read (by Swagger UI, from the page). */
export const OPENAPI_URL = "/api/console/openapi.json";
