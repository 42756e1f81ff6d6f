/**
 * The executor's HTTP server: one route per tool from the manifest (HTTP tools at their path,
 * webhooks at theirs with the raw body kept for the signature, scheduled tools at
 * POST /_fascia/scheduled/<tool> (routes.ts)), plus GET /healthz, /readyz, /metrics, /_fascia/openapi.json and the
 * operator API (executor/operator/, registered by operator-api.ts). Every error leaves as the
 * structured body with the invocation id in `x-fascia-invocation-id` and in the log line.
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { Database } from "../../database/types";
import type { AppManifest } from "../app/manifest";
import { prepareApp, type RuntimeApp, type RuntimeTool } from "../app/runtime-app";
import { createJwtAuthenticator, type Authenticate, type JwtSettings } from "../auth/jwt-authenticator";
import { createSchedulerAuthenticator } from "../auth/scheduler-authenticator";
import { DEFAULT_WINDOW_SECONDS } from "../auth/webhook-signature";
import { ToolError, type ErrorDetail } from "../errors/catalogue";
import { createRefusalTally } from "../audit/refusal-tally";
import { buildRefusalIndex } from "../invoke/database-errors";
import { INVOCATION_HEADER, invoke, newInvocationId, rejected, type Executor } from "../invoke/invoke";
import { createRateLimiter, type RateLimitSettings } from "../invoke/rate-limit";
import type { InvocationRequest, InvocationResult } from "../invoke/request";
import { createExternalServices } from "../nodes/external-services";
import { deliverEntry } from "../outbox/deliver";
import { startOutboxDrainer, type DrainerSettings, type OutboxDrainer } from "../outbox/drainer";
import { startCheckpointer, type Checkpointer, type CheckpointerSettings } from "../store/checkpointer";
import { createLogger, errorFields, traceFields } from "../observability/logger";
import { createToolMetrics, type ToolMetrics } from "../observability/metrics";
import { loadSecrets, type Secrets } from "../secrets";
import { appendAuditAlone } from "../store/audit-store";
import { connectionProvider, noConnection } from "../store/connection";
import { DEFAULTS, type HttpTimeouts } from "./config";
import { checkReadiness } from "./readiness";
import { createAddressLimit, type AddressLimit } from "./address-limit";
import { HEALTH_PATH, METRICS_PATH, OPENAPI_PATH, READINESS_PATH, routerPath } from "../../contracts/routes";
import { openApiDocument } from "../../openapi/document";
import { manifestPlanHash } from "../app/manifest";
import { appName } from "../operator/deployment-state";
import { registerOperatorApi, type OperatorApiOptions } from "./operator-api";

export interface ServerOptions {
  /** The compiled app: a manifest (checked and prepared here) or an already prepared app. */
  app: AppManifest | RuntimeApp;
  /** The manifest's plan hash matched FASCIA_PLAN_HASH: its specs are not checked again (prepareApp). */
  specsChecked?: boolean;
  db: Database;
  /** How bearer tokens are verified: settings for jose, or an authenticator of your own. */
  auth: JwtSettings | { authenticate: Authenticate };
  /** Cloud Scheduler's service account, the service's own URL its tokens are for (and, in tests, a JWKS URL standing in for Google's). */
  scheduler?: { serviceAccountEmail: string; audience?: string; jwksUrl?: string; issuers?: string[] };
  /** Default: every secret the specs name, read from FASCIA_SECRET_<NAME> in `env`. */
  secrets?: Secrets;
  env?: NodeJS.ProcessEnv;
  payments?: { baseUrl: string; defaultSecret?: string };
  email?: { smtpUrl?: string; from?: string };
  /** Send every http node to this local recorder instead of its URL (`fascia dev`). */
  httpSink?: string;
  /** Whether GET /metrics is one of this server's routes; false when a loopback listener serves it (metrics-listener.ts). Default true. */
  serveMetrics?: boolean;
  /** Largest accepted request body; larger is 413. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Per-caller token bucket; false disables it. Default 50/s, burst 200. */
  rateLimit?: RateLimitSettings | false;
  /** Per-address token bucket of requests that end without a caller (address-limit.ts); false disables it. Default 10/s, burst 50. */
  unauthenticatedRateLimit?: RateLimitSettings | false;
  /** How many proxies in front are trusted to say the client's address (X-Forwarded-For); 0: the socket's peer. Default 0. */
  trustProxyHops?: number;
  /** How long a client may take to send its request, or stay idle (config.ts, HttpTimeouts). */
  timeouts?: Partial<HttpTimeouts>;
  webhookWindowSeconds?: number;
  /** How often the refusals before a caller is known become one aggregate audit record (refusal-tally.ts). Default 60 s. */
  refusalWindowSeconds?: number;
  logger?: Logger;
  projectId?: string;
  leaseMarginMs?: number;
  /** A small pool of its own for commits outside an invocation's transaction (compensation guards); PostgreSQL only. */
  sideDb?: Database;
  /** When a compensation guard comes due after its charge (default: when the invocation is surely over; tests shorten it). */
  guardDelayMs?: number;
  /** How the outbox is drained (started when the server is ready, stopped when it closes); false: not by this server. */
  outbox?: DrainerSettings | false;
  /** How the audit log is checkpointed and witnessed (started when the server is ready; a last checkpoint when it closes); absent: not by this server. */
  checkpoints?: CheckpointerSettings;
  now?: () => Date;
  /** Who may read the operator API (executor/operator/, docs/operator-api.md): the role, and the operators' own issuer if they have one. */
  operators?: OperatorApiOptions["operators"];
  /** What the operator API's settings route shows that no other option says (start.ts fills it from the configuration). */
  settings?: OperatorApiOptions["settings"];
}

const NO_ROUTE = { tool: "" };
/** How long an aggregate record waits for a connection before its window's counts carry over to the next. */
const AGGREGATE_WAIT_MS = 10_000;
/** A readiness probe does not queue behind invocations for long: an exhausted pool is "not ready". */
const READINESS_WAIT_MS = 5_000;

export interface ExecutorServer extends FastifyInstance {
  readonly executor: Executor;
  readonly metrics: ToolMetrics;
}

export function buildServer(options: ServerOptions): ExecutorServer {
  const drainer = drainerHandle();
  const wiring = wireExecutor(options, drainer);
  const bodyLimit = options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes;
  const respond = responder(wiring, options.projectId);
  const timeouts = serverTimeouts(wiring.app, options.timeouts);
  const server = createHttpServer(wiring, respond, bodyLimit, timeouts, options.trustProxyHops ?? 0);
  registerRoutes(server, wiring, respond, options.serveMetrics ?? true);
  registerOperatorApi(server, options, wiring);
  registerErrorHandlers(server, wiring, respond, bodyLimit);
  if (options.outbox !== false) {
    const settings = options.outbox ?? DEFAULTS.outbox;
    const { executor, app, logger } = wiring;
    const deps = { app, withConnection: executor.withConnection, services: executor.services, secrets: executor.secrets };
    server.addHook("onReady", async () => {
      drainer.running = startOutboxDrainer(settings, executor.withConnection, (entry) => deliverEntry(deps, entry), logger);
    });
    server.addHook("onClose", async () => drainer.running?.stop());
  }
  // After the last request has been answered: the refusals of the unfinished window are appended too.
  server.addHook("onClose", () => wiring.executor.refusalTally.close());
  if (options.checkpoints) {
    const settings = options.checkpoints;
    let checkpointer: Checkpointer | undefined;
    server.addHook("onReady", async () => {
      checkpointer = startCheckpointer(settings, wiring.executor.withConnection, wiring.logger, options.now);
    });
    // Added after the refusal tally's hook, so it runs after it: the last aggregate record is anchored too.
    server.addHook("onClose", async () => checkpointer?.stop());
  }
  return server;
}

/** The outbox drainer once the server is ready: invocations poke it after a commit that enqueued effects. */
function drainerHandle(): { running: OutboxDrainer | null; poke(): void } {
  return {
    running: null,
    poke() {
      this.running?.poke();
    },
  };
}

/** What the HTTP layer serves with: the prepared app and everything an invocation needs. */
interface Wiring {
  app: RuntimeApp;
  executor: Executor;
  addressLimit: AddressLimit;
  logger: Logger;
  metrics: ToolMetrics;
}

/** Sends an invocation's result, counting it in the metrics and logging one line. */
type Respond = (request: FastifyRequest, reply: FastifyReply, tool: string, result: InvocationResult) => FastifyReply;

/** The app's dependencies: the app prepared, secrets, authenticators, outside services, rate limiter, logger and metrics. */
function wireExecutor(options: ServerOptions, outbox: { poke(): void }): Wiring {
  const app =
    "tools" in options.app && options.app.tools instanceof Map
      ? (options.app as RuntimeApp)
      : prepareApp(options.app, { specsChecked: options.specsChecked === true });
  const secrets = options.secrets ?? loadSecrets(app.secretNames, options.env ?? process.env);
  checkEffectSettings(app, options);
  const logger = options.logger ?? createLogger(options.projectId ? { projectId: options.projectId } : {});
  const metrics = createToolMetrics();
  const now = options.now ?? (() => new Date());
  const withConnection = connectionProvider(options.db);
  const executor: Executor = {
    app,
    db: options.db,
    withConnection,
    refusals: buildRefusalIndex(app.manifest.schema.tables),
    auth: {
      bearer: "authenticate" in options.auth ? options.auth.authenticate : createJwtAuthenticator(options.auth),
      ...(options.scheduler ? { scheduler: createSchedulerAuthenticator(options.scheduler) } : {}),
      secrets,
      webhookWindowSeconds: options.webhookWindowSeconds ?? DEFAULT_WINDOW_SECONDS,
      nowSeconds: () => Math.floor(now().getTime() / 1000),
    },
    secrets,
    services: createExternalServices(
      {
        paymentsBaseUrl: options.payments?.baseUrl ?? DEFAULTS.paymentsBaseUrl,
        ...(options.payments?.defaultSecret ? { defaultPaymentsSecret: options.payments.defaultSecret } : {}),
        ...(options.email?.smtpUrl ? { smtpUrl: options.email.smtpUrl } : {}),
        ...(options.email?.from ? { emailFrom: options.email.from } : {}),
        ...(options.httpSink ? { httpSink: options.httpSink } : {}),
      },
      secrets,
    ),
    rateLimiter: options.rateLimit === false ? null : createRateLimiter(options.rateLimit ?? DEFAULTS.rateLimit),
    refusalTally: createRefusalTally({
      windowMs: (options.refusalWindowSeconds ?? DEFAULTS.refusalWindowSeconds) * 1000,
      append: async (body) => void (await withConnection((conn) => appendAuditAlone(conn, body), AGGREGATE_WAIT_MS)),
      onError: (error, refusals) =>
        logger.error(
          { refusals, err: errorFields(error) },
          "the aggregate audit record of refusals could not be appended; its counts carry over to the next window",
        ),
      newId: newInvocationId,
      now,
    }),
    leaseMarginMs: options.leaseMarginMs ?? DEFAULTS.leaseMarginMs,
    now,
    outbox,
    ...(options.sideDb ? { sideDb: options.sideDb } : {}),
    ...(options.guardDelayMs !== undefined ? { guardDelayMs: options.guardDelayMs } : {}),
    onBookkeepingError: (error, invocationId) =>
      logger.error(
        { invocationId, err: errorFields(error) },
        "the audit record or idempotency key of a failed invocation could not be written",
      ),
  };
  const addressLimit = createAddressLimit(options.unauthenticatedRateLimit ?? DEFAULTS.unauthenticatedRateLimit);
  return { app, executor, addressLimit, logger, metrics };
}

function responder({ logger, metrics }: Wiring, projectId: string | undefined): Respond {
  return (request, reply, tool, result) => {
    metrics.observe(tool || "(none)", result.status, result.durationMs / 1000);
    const line = {
      invocationId: result.headers[INVOCATION_HEADER],
      tool,
      status: result.status,
      durationMs: result.durationMs,
      ...(result.code ? { code: result.code } : {}),
      ...(result.callerId ? { callerId: result.callerId } : {}),
      // No audit record of its own: counted into the window's aggregate record (refusal-tally.ts).
      ...(result.aggregated ? { audit: "aggregate" } : {}),
      ...traceFields(request.headers, projectId),
    };
    if (result.status >= 500)
      logger.error({ ...line, ...(result.internal ? { err: errorFields(result.internal) } : {}) }, `${tool || request.method} failed`);
    else if (result.status >= 400) logger.warn(line, `${tool} refused`);
    else logger.info(line, `${tool} ok`);
    return reply.code(result.status).headers(result.headers).send(result.body);
  };
}

/** A running tool sends nothing on its socket: the idle bound outlasts the longest tool deadline by this. */
const IDLE_MARGIN_MS = 10_000;

/** The timeouts with their defaults; headers never wait longer than the whole request, idle never less than a tool may run. */
function serverTimeouts(app: RuntimeApp, given: Partial<HttpTimeouts> = {}): HttpTimeouts {
  const t = { ...DEFAULTS.httpTimeouts, ...given };
  const longestTool = Math.max(0, ...[...app.tools.values()].map((tool) => tool.plan.deadline.ms));
  return {
    requestMs: t.requestMs,
    headersMs: Math.min(t.headersMs, t.requestMs),
    keepAliveMs: t.keepAliveMs,
    idleMs: Math.max(t.idleMs, longestTool + IDLE_MARGIN_MS),
  };
}

/** The fastify instance, carrying the executor and metrics, with bodies kept as text. */
function createHttpServer(
  wiring: Wiring,
  respond: Respond,
  bodyLimit: number,
  timeouts: HttpTimeouts,
  trustProxyHops: number,
): ExecutorServer {
  const server = Fastify({
    logger: false,
    // request.ip: the socket's peer, or the address the trusted hops in front saw (address-limit.ts).
    // proxy-addr asks about each address from the socket outwards (hop 0 is the socket's peer).
    trustProxy: trustProxyHops > 0 ? (_address: string, hop: number) => hop < trustProxyHops : false,
    // Slow or stalled clients do not hold sockets: Node checks the request and headers bounds
    // every checking interval (30 s by default, too coarse for a 10 s bound, so a fraction of it).
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: timeouts.idleMs,
    http: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
    },
    // Inputs are validated with zod and routes carry no JSON schema: fastify's ajv and
    // fast-json-stringify compilers are never needed, so they are not loaded (a cold start's
    // worth of compiling; the bundle leaves them out, build/executor-stubs.ts).
    schemaController: { compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler } },
    bodyLimit,
    return503OnClosing: true,
    maxParamLength: MAX_PARAM_LENGTH,
    // A URL the router cannot decode (bad percent-encoding) or take apart (a path parameter over
    // MAX_PARAM_LENGTH) gets the structured body too, saying which.
    frameworkErrors: (error, request, reply) => {
      const problem =
        (error as { code?: string }).code === "FST_ERR_MAX_PARAM_LENGTH"
          ? `has a segment longer than ${MAX_PARAM_LENGTH} characters`
          : "has a malformed percent-encoding";
      return refuseBeforeAnyTool(
        respond,
        request,
        reply,
        ToolError.of("INVALID_INPUT", "the URL is not valid", [{ path: "path", message: problem }]),
      );
    },
    clientErrorHandler: refuseBeforeAnyRequest(wiring),
  }) as unknown as ExecutorServer;
  Object.assign(server, { executor: wiring.executor, metrics: wiring.metrics });
  // Bodies are kept as text: webhooks sign the exact bytes, and a malformed body is a step-2
  // error (after authentication), not a parser failure.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  return server;
}

/** Fastify's default: a path parameter longer than this is not routed (a true 400 rather than a 404). */
const MAX_PARAM_LENGTH = 100;

/** Node's own refusals of what never became a request, by Node's error code; anything else the parser refuses is a 400. */
function nodeRefusal(error: Error & { code?: string; reason?: string }): ToolError {
  switch (error.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return ToolError.of("REQUEST_TIMEOUT");
    case "HPE_HEADER_OVERFLOW":
      return ToolError.of("HEADERS_TOO_LARGE");
    default:
      return ToolError.of("INVALID_INPUT", "the request is not valid HTTP", [{ path: "request", message: error.reason ?? error.message }]);
  }
}

/**
 * What Node refuses before fastify sees a request (a stalled request, headers too large, bytes
 * that are not HTTP): the structured body under a fresh invocation id, logged and counted, then
 * the connection is closed. Not audited: no tool and no caller is known.
 */
function refuseBeforeAnyRequest({ logger, metrics }: Wiring): (error: Error & { code?: string; reason?: string }, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const refusal = nodeRefusal(error);
    const invocationId = newInvocationId();
    metrics.observe("(none)", refusal.status, 0);
    logger.warn(
      { invocationId, tool: "", status: refusal.status, code: refusal.code, reason: error.code },
      "request refused before routing",
    );
    // A response already under way on this connection cannot be followed by another: only close it.
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (socket.writable && !answering) {
      const body = JSON.stringify(refusal.toBody());
      socket.write(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ""}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n${INVOCATION_HEADER}: ${invocationId}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}

/** Fastify's compiler factories, for a server whose routes declare no schema: asked for one, they say so. */
function noSchemaCompiler(): never {
  throw new Error("the executor's routes declare no fastify schema (inputs are validated with zod): no schema compiler is available");
}

/** A refusal before any tool is known (no route, an undecodable URL): the structured body under a fresh invocation id. */
function refuseBeforeAnyTool(respond: Respond, request: FastifyRequest, reply: FastifyReply, error: ToolError) {
  return respond(request, reply, "", {
    status: error.status,
    body: error.toBody(),
    headers: { [INVOCATION_HEADER]: newInvocationId() },
    code: error.code,
    durationMs: 0,
  });
}

/** One route per tool, then health, readiness and (unless served elsewhere) metrics. */
function registerRoutes(
  server: ExecutorServer,
  { app, executor, addressLimit, metrics }: Wiring,
  respond: Respond,
  serveMetrics: boolean,
): void {
  for (const tool of app.tools.values()) {
    server.route({
      method: tool.route.method,
      url: routerPath(tool.route.path),
      config: { tool: tool.name },
      // An address whose requests keep failing authentication is refused before its body is read or any token verified.
      onRequest: async (request, reply) => {
        const refusal = addressLimit.refusal(request.ip);
        if (refusal) return respond(request, reply, tool.name, await rejected(executor, unreadRequest(tool, request), refusal));
      },
      handler: async (request, reply) => {
        const result = await invoke(executor, invocationRequest(tool, request));
        // A request that ended without a caller costs its address a token (address-limit.ts).
        if (result.callerId === undefined) addressLimit.charge(request.ip);
        return respond(request, reply, tool.name, result);
      },
    });
  }

  server.get(HEALTH_PATH, async () => ({ status: "ok" }));
  // The API's description from the manifest this server runs, made at the first request and kept
  // (a cold start does not pay for it). Public: the specs' shapes, no data (docs/openapi.md).
  let openapi: string | undefined;
  server.get(OPENAPI_PATH, async (_request, reply) =>
    reply.type("application/json; charset=utf-8").send((openapi ??= JSON.stringify(openApiOf(app)))),
  );
  server.get(READINESS_PATH, async (_request, reply) => {
    const readiness = await executor
      .withConnection((conn) => checkReadiness(conn, app), READINESS_WAIT_MS)
      .catch((error: unknown) => ({ ready: false as const, reason: noConnection(error).message }));
    if (readiness.ready) return { status: "ready" };
    return reply.code(503).send(ToolError.of("UNAVAILABLE", readiness.reason).toBody());
  });
  if (serveMetrics)
    server.get(METRICS_PATH, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}

function openApiOf(app: RuntimeApp): unknown {
  const { manifest } = app;
  return openApiDocument({
    title: appName(manifest.source),
    version: manifestPlanHash(manifest),
    tools: manifest.specs.tools,
    plans: manifest.plans,
  });
}

/** No route, and errors fastify raises (body too large, bad input, anything else): the structured body, through the tool's own rejection when a route matched. */
function registerErrorHandlers(server: ExecutorServer, { app, executor, addressLimit }: Wiring, respond: Respond, bodyLimit: number): void {
  server.setNotFoundHandler(async (request, reply) => {
    const error = ToolError.of("ROUTE_NOT_FOUND", `no tool serves ${request.method} ${request.url.split("?")[0]}`);
    return refuseBeforeAnyTool(respond, request, reply, error);
  });
  server.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const toolName = (request.routeOptions.config as { tool?: string } | undefined)?.tool ?? NO_ROUTE.tool;
    const tool = app.tools.get(toolName);
    const toolError =
      error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
        ? ToolError.of("PAYLOAD_TOO_LARGE", `the request body is larger than ${bodyLimit} bytes`)
        : (error.statusCode ?? 500) < 500
          ? ToolError.of("INVALID_INPUT", undefined, [{ message: error.message }])
          : ToolError.of("INTERNAL");
    const invocationId = newInvocationId();
    if (tool) {
      // Refused before authentication: it costs its address a token, as a failed authentication does.
      addressLimit.charge(request.ip);
      return respond(request, reply, tool.name, await rejected(executor, invocationRequest(tool, request, invocationId), toolError));
    }
    return respond(request, reply, "", {
      status: toolError.status,
      body: toolError.toBody(),
      headers: { [INVOCATION_HEADER]: invocationId },
      code: toolError.code,
      durationMs: 0,
      internal: error,
    });
  });
}

function invocationRequest(tool: RuntimeTool, request: FastifyRequest, invocationId = newInvocationId()): InvocationRequest {
  const rawBody = typeof request.body === "string" ? request.body : "";
  const { body, problem } = parseBody(rawBody, request.headers["content-type"]);
  return {
    tool,
    invocationId,
    headers: request.headers,
    params: (request.params ?? {}) as Record<string, string>,
    query: (request.query ?? {}) as Record<string, string | string[] | undefined>,
    body,
    rawBody,
    ...(problem ? { bodyProblem: problem } : {}),
  };
}

/** A request refused before its body is read: the tool and the headers, nothing parsed. */
function unreadRequest(tool: RuntimeTool, request: FastifyRequest): InvocationRequest {
  return {
    tool,
    invocationId: newInvocationId(),
    headers: request.headers,
    params: {},
    query: {},
    body: undefined,
    rawBody: "",
  };
}

function parseBody(raw: string, contentType: string | undefined): { body: unknown; problem?: ErrorDetail } {
  if (raw.trim() === "") return { body: undefined };
  if (contentType && !/^application\/([\w.+-]+\+)?json\b/i.test(contentType))
    return {
      body: undefined,
      problem: { path: "body", message: `must be JSON (Content-Type application/json), not ${contentType.split(";")[0]}` },
    };
  try {
    return { body: JSON.parse(raw) as unknown };
  } catch (error) {
    return { body: undefined, problem: { path: "body", message: `is not valid JSON: ${(error as Error).message}` } };
  }
}

/** Email and payment nodes that name no secret need the executor-wide SMTP server / payments key. */
function checkEffectSettings(app: RuntimeApp, options: ServerOptions): void {
  const problems: string[] = [];
  for (const tool of app.tools.values()) {
    for (const node of Object.values(tool.plan.nodes)) {
      const spec = node.spec as { secret?: string };
      if (node.type === "email" && !spec.secret && !options.email?.smtpUrl)
        problems.push(`email node ${tool.name}.${node.id} names no secret, so FASCIA_SMTP_URL must be set`);
      if (node.type === "payment" && !spec.secret && !options.payments?.defaultSecret)
        problems.push(`payment node ${tool.name}.${node.id} names no secret, so FASCIA_PAYMENTS_SECRET must name one`);
    }
  }
  if (problems.length) throw new Error(`the executor cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
