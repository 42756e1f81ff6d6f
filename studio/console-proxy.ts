/**
 * The Console's one way to the executor: `GET /api/console/<route>` is the executor's
 * `GET /_fascia/<route>`, for the operator API's routes (contracts/operator-api.ts) and the OpenAPI
 * document only, sent with the operator token the studio process holds. The token never reaches
 * the browser: any script on the page, an extension or a shared screen could read it there, and it
 * may be a deployment's real operator credential. Read-only: every other method is refused, and no
 * other executor path can be named (a tool's route, `/metrics`, a dev door).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { invocationPath, OPERATOR_PATHS } from "../contracts/operator-api";
import { OPENAPI_PATH } from "../contracts/routes";
import type { ConsoleInfo } from "./protocol";

export const CONSOLE_PREFIX = "/api/console";
/** `fascia dev`'s executor, which the Console reads unless told another. */
export const DEFAULT_EXECUTOR = "http://127.0.0.1:8080";
/** Long enough for a chain verification over many records, short enough that a hung executor is reported. */
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface ConsoleProxyOptions {
  /** The executor's base URL. */
  executor: string;
  /** The bearer token to send, asked for on every request (a minted one is renewed). */
  token: () => Promise<string>;
  tokenSource: ConsoleInfo["token"];
  timeoutMs?: number;
}

const FIXED_PATHS = new Set<string>([
  OPERATOR_PATHS.invocations,
  OPERATOR_PATHS.auditVerify,
  OPERATOR_PATHS.metrics,
  OPERATOR_PATHS.deployment,
  OPERATOR_PATHS.settings,
  OPENAPI_PATH,
]);
const RESERVED = "/_fascia";

/**
 * The executor path a console path (below CONSOLE_PREFIX, still URL-encoded) stands for, or null
 * when the Console may not read it. An invocation's id is one segment, re-encoded from its decoded
 * value, so no `..` (nor `%2e%2e`, which URL parsing also resolves) can climb out of the allow-list.
 */
export function executorPath(consolePath: string): string | null {
  const path = `${RESERVED}${consolePath}`;
  if (FIXED_PATHS.has(path)) return path;
  if (!path.startsWith(OPERATOR_PATHS.invocation)) return null;
  const segment = path.slice(OPERATOR_PATHS.invocation.length);
  if (segment === "" || segment.includes("/")) return null;
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return id === "." || id === ".." ? null : invocationPath(id);
}

export function registerConsoleProxy(server: FastifyInstance, options: ConsoleProxyOptions): void {
  const base = options.executor.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const refuse = (reply: FastifyReply, status: number, error: string, code?: string) =>
    reply.code(status).send({ error, ...(code ? { code } : {}) });

  server.get(CONSOLE_PREFIX, async (): Promise<ConsoleInfo> => ({ executor: base, token: options.tokenSource }));

  server.get(`${CONSOLE_PREFIX}/*`, async (request, reply) => {
    const [rawPath, query] = splitQuery(request.url.slice(CONSOLE_PREFIX.length));
    const path = executorPath(rawPath);
    if (!path) return refuse(reply, 404, `the Console reads only the executor's operator API: no route GET ${request.url}`);
    let response: Response;
    try {
      response = await fetch(`${base}${path}${query}`, {
        headers: { authorization: `Bearer ${await options.token()}`, accept: "application/json" },
        // A redirect would be followed with the token to wherever it points: report it instead.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const { name } = error as Error;
      if (name === "TimeoutError") {
        return refuse(reply, 504, `the executor at ${base} did not answer within ${timeoutMs / 1000} s`, "EXECUTOR_TIMEOUT");
      }
      return refuse(
        reply,
        502,
        `executor not reachable at ${base} (${reason(error)}): start it with \`fascia dev\`, or open the studio with --executor URL`,
        "EXECUTOR_UNREACHABLE",
      );
    }
    const text = await response.text();
    if (response.status >= 300 && response.status < 400) {
      return refuse(
        reply,
        502,
        `the executor at ${base} redirected ${path} (${response.status}); the Console does not follow redirects`,
        "EXECUTOR_REDIRECT",
      );
    }
    if (!response.ok) return refuse(reply, response.status, executorRefusal(response.status, text, options.tokenSource), errorCode(text));
    return reply.code(response.status).type("application/json; charset=utf-8").header("cache-control", "no-store").send(text);
  });

  server.route({
    method: ["POST", "PUT", "PATCH", "DELETE"],
    url: `${CONSOLE_PREFIX}/*`,
    handler: async (request, reply) => refuse(reply, 405, `the Console is read-only: ${request.method} is refused`),
  });
}

function splitQuery(url: string): [path: string, query: string] {
  const at = url.indexOf("?");
  return at < 0 ? [url, ""] : [url.slice(0, at), url.slice(at)];
}

const UNAUTHENTICATED: Record<ConsoleInfo["token"], string> = {
  local: "the executor does not take the studio's local token (it is not `fascia dev` on this app): give one with --token",
  given: "the executor refused the token given with --token: expired, or of another issuer or audience",
};

/** The executor's own message (its error body is `{ error: { code, message } }`), said to come from it, with what to do about a 401 or 403. */
function executorRefusal(status: number, text: string, tokenSource: ConsoleInfo["token"]): string {
  const body = parse(text);
  const message = body?.error?.message ?? (text.trim().slice(0, 200) || "no message");
  const why =
    status === 401 ? ` (${UNAUTHENTICATED[tokenSource]})` : status === 403 ? " (the token lacks the executor's operator role)" : "";
  return `the executor answered ${status}: ${message}${why}`;
}

function errorCode(text: string): string | undefined {
  return parse(text)?.error?.code;
}

function parse(text: string): { error?: { code?: string; message?: string } } | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as { error?: { code?: string; message?: string } }) : null;
  } catch {
    return null;
  }
}

/** What a failed fetch says: undici puts the system error (ECONNREFUSED, ENOTFOUND) in `cause`. */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
