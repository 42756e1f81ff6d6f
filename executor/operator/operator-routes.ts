/**
 * The read-only operator API (contracts/operator-api.ts, docs/operator-api.md), registered on the
 * executor's server. Every route first checks the operator (operator-auth.ts); a failed check
 * charges the address limit as a failed tool authentication does. Operator reads are not audited
 * — the Console polls them, and a record per poll would flood the chain — but each is logged with
 * the caller's id.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { OPERATOR_PATHS } from "../../contracts/operator-api";
import type { Caller } from "../auth/caller";
import { ToolError } from "../errors/catalogue";
import { errorFields } from "../observability/logger";
import type { Executor } from "../invoke/invoke";
import { INVOCATION_HEADER, newInvocationId } from "../invoke/invoke";
import { manifestPlanHash } from "../app/manifest";
import { ConnectionWaitExceeded, noConnection } from "../store/connection";
import { authenticateOperator, type OperatorAccess } from "./operator-auth";
import { readVerifyQuery, verifyChainRange, VERIFY_PARAMETERS } from "./chain-check";
import { deploymentState } from "./deployment-state";
import { describeSettings, type SettingsSource } from "./deployment-settings";
import { invocationDetail, listInvocations, LIST_PARAMETERS, readListQuery } from "./invocation-list";
import { queryReader, type QueryReader } from "./query-params";
import { METRICS_PARAMETERS, readMetricsQuery, toolMetrics } from "./tool-metrics";
import type { Queryable } from "../../database/types";

/** The per-address limit of requests that end without a caller (executor/server/address-limit.ts). */
export interface AddressCharges {
  refusal(address: string): ToolError | undefined;
  charge(address: string): void;
}

export interface OperatorWiring {
  executor: Executor;
  access: OperatorAccess;
  addressLimit: AddressCharges;
  settings: SettingsSource;
  logger: Logger;
}

/** An operator read waits this long for a connection: invocations come first, so an exhausted pool is a 503, not a queue. */
const OPERATOR_WAIT_MS = 5_000;

/**
 * A route's work: its parameters read (a 400 before any connection is taken), then either what it
 * reads from the database or, for what the process already knows, the answer itself.
 */
type Work = ((conn: Queryable) => Promise<unknown>) | { known: unknown };

export function registerOperatorRoutes(server: FastifyInstance, wiring: OperatorWiring): void {
  const { executor } = wiring;
  const app = executor.app;
  const planHash = manifestPlanHash(app.manifest);
  const toolNames = [...app.tools.keys()];
  const settings = { settings: describeSettings(wiring.settings) };
  const get = (path: string, known: readonly string[], read: (query: QueryReader, request: FastifyRequest) => Work) =>
    server.get(path, (request, reply) => answer(wiring, request, reply, () => read(queryReader(request.query, known), request)));

  get(OPERATOR_PATHS.invocations, LIST_PARAMETERS, (query) => {
    const list = readListQuery(query);
    return (conn) => listInvocations(conn, list);
  });
  get(`${OPERATOR_PATHS.invocation}:invocationId`, [], (query, request) => {
    query.done();
    const id = (request.params as { invocationId: string }).invocationId;
    return async (conn) => {
      const detail = await invocationDetail(conn, id, planHash);
      if (!detail)
        throw ToolError.of("NOT_FOUND", `no audit record of invocation ${id}`, [{ path: "path.invocationId", message: "is unknown" }]);
      return detail;
    };
  });
  get(OPERATOR_PATHS.auditVerify, VERIFY_PARAMETERS, (query) => {
    const range = readVerifyQuery(query);
    return (conn) => verifyChainRange(conn, range);
  });
  get(OPERATOR_PATHS.metrics, METRICS_PARAMETERS, (query) => {
    const window = readMetricsQuery(query, executor.now());
    return (conn) => toolMetrics(conn, window, toolNames);
  });
  get(OPERATOR_PATHS.deployment, [], (query) => {
    query.done();
    return (conn) => deploymentState(conn, app);
  });
  get(OPERATOR_PATHS.settings, [], (query) => {
    query.done();
    return { known: settings };
  });
}

/** The operator checked, the parameters read, the work done on a connection of the pool; the answer or the structured error, and one log line. */
async function answer(wiring: OperatorWiring, request: FastifyRequest, reply: FastifyReply, read: () => Work): Promise<FastifyReply> {
  const { executor, access, addressLimit, logger } = wiring;
  const invocationId = newInvocationId();
  const started = process.hrtime.bigint();
  let caller: Caller | undefined;
  let status = 200;
  let body: unknown;
  try {
    const refusal = addressLimit.refusal(request.ip);
    if (refusal) throw refusal;
    try {
      caller = await authenticateOperator(access, request.headers.authorization);
    } finally {
      // A request that ended without a verified operator costs its address a token, as a tool's does.
      if (!caller) addressLimit.charge(request.ip);
    }
    const work = read();
    body = "known" in work ? work.known : await executor.withConnection(work, OPERATOR_WAIT_MS).catch(unavailable);
  } catch (error) {
    const refused = error instanceof ToolError ? error : ToolError.of("INTERNAL");
    status = refused.status;
    body = refused.toBody();
    reply.headers(refused.headers());
    if (!(error instanceof ToolError))
      logger.error({ invocationId, err: errorFields(error) }, `operator read ${request.url.split("?")[0]} failed`);
  }
  const line = {
    invocationId,
    operatorRoute: request.routeOptions.url,
    status,
    durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    ...(caller ? { callerId: caller.id } : {}),
  };
  if (status >= 400) logger.warn(line, "operator read refused");
  else logger.info(line, "operator read");
  return reply.code(status).header(INVOCATION_HEADER, invocationId).send(body);
}

/** No connection within the wait is 503 UNAVAILABLE (as for an invocation); any other error goes on as it is. */
function unavailable(error: unknown): never {
  throw error instanceof ConnectionWaitExceeded ? noConnection(error) : error;
}
