/**
 * One HTTP request to an external service with a hard deadline, classified for retries:
 * network errors and 5xx are `unavailable`, 429 `rateLimited`, an expired deadline `timeout`,
 * anything else that is not expected `permanent`.
 */
import { AttemptError } from "../errors/flow-error";

export interface HttpCall {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

export async function callHttp(call: HttpCall): Promise<HttpResult> {
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: AbortSignal.timeout(Math.max(1, call.timeoutMs)),
    });
  } catch (error) {
    const name = (error as Error).name;
    if (name === "TimeoutError" || name === "AbortError")
      throw new AttemptError(`${call.method} ${hostOf(call.url)} timed out after ${call.timeoutMs}ms`, "timeout", error);
    throw new AttemptError(`${call.method} ${hostOf(call.url)} failed: ${(error as Error).message}`, "unavailable", error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new AttemptError(`${call.method} ${hostOf(call.url)}: the response was cut off`, "unavailable", error);
  }
  let body: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: Object.fromEntries(response.headers), body, text };
}

export function classifyStatus(status: number): "unavailable" | "rateLimited" | "permanent" {
  if (status === 429) return "rateLimited";
  if (status >= 500) return "unavailable";
  return "permanent";
}

/** Messages name the host only: paths and query strings may carry ids or tokens. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an invalid URL";
  }
}
