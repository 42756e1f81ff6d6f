/**
 * The benchmark's baseline: the example's createReservation (without its confirmation email) and
 * listReservations written by hand with fastify + pg, as a careful developer would — bearer token
 * verified with jose, input checked by hand, one pooled connection per request — sending the
 * executor's statements verbatim:
 *
 *   same  the business SQL plus the same idempotency row (claim, then the stored response in the
 *         final transaction) and the same hash-chained audit row (one statement locks the chain
 *         head, inserts the record hashed by PostgreSQL, moves the head), in the same transactions,
 *         the append sent together with its COMMIT through a pipelining pool, as the executor does;
 *   bare  the business SQL only: no idempotency, no audit (what the guarantees cost);
 *   idempotency, audit  one of the two guarantees each (bench/database-cost.bench.ts: what each
 *         costs the database), bookings only.
 *
 * Both variants log one Cloud Logging line and record the same per-tool metrics per request, as
 * the executor does (a production endpoint has logs and metrics too); they use the executor's
 * logger and metrics modules and its audit hash, so only the executor's own work differs.
 *
 * Failure paths exist (a hand-written endpoint needs them) but the benchmark only sends requests
 * that succeed; each response is checked to be a 200.
 */
import { randomUUID } from "node:crypto";
import { Decimal } from "decimal.js";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { jwtVerify, type CryptoKey, type KeyObject } from "jose";
import type { Logger } from "pino";
import { sha256, type AuditBody } from "../../executor/audit/audit-chain";
import { canonicalJson } from "../../contracts/canonical-json";
import { createToolMetrics } from "../../executor/observability/metrics";
import { auditAppend } from "../../executor/store/audit-store";
import { claimStatement, storeResponseStatement } from "../../executor/store/idempotency-store";
import type { Statement } from "../../database/types";
import { queryConfig } from "../../database/pg-driver";

export type Guarantees = "same" | "idempotency" | "audit" | "bare";
export const GUARANTEES: readonly Guarantees[] = ["same", "idempotency", "audit", "bare"];

/** What the server needs of pg: a pool handing out clients (a pg.Pool, or a counting wrapper). */
export interface PoolLike {
  connect(): Promise<ClientLike>;
}
export interface ClientLike {
  /** A config with a name is a prepared statement (pg: parsed once per connection), as the executor's own statements are. */
  query(
    text: string | { name?: string; text: string; values: unknown[] },
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  release(error?: Error | boolean): void;
}

export interface HandWrittenOptions {
  pool: PoolLike;
  guarantees: Guarantees;
  key: CryptoKey | KeyObject;
  issuer: string;
  audience: string;
  log: Logger;
}

// The executor's statements, character for character (captured from its pool); the idempotency
// row's claim and stored response, like the audit append, are the executor's own statements.
const SQL = {
  release: `DELETE FROM "fascia_idempotency" WHERE "tool" = $1 AND "caller_id" = $2 AND "key" = $3 AND "invocation_id" = $4 AND "state" = 'running' AND "generation" = 0`,
  begin: (timeoutMs: number) => `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = ${timeoutMs}`,
  customer: `SELECT "id", "name", "email", "phone", "created_at" AS "createdAt", "updated_at" AS "updatedAt", "version" FROM "customer" WHERE "id" = $1 ORDER BY "id" ASC NULLS LAST LIMIT $2`,
  room: `SELECT "id", "number", "capacity", "nightly_rate" AS "nightlyRate", "active", "created_at" AS "createdAt", "updated_at" AS "updatedAt", "version" FROM "room" WHERE "id" = $1 ORDER BY "id" ASC NULLS LAST LIMIT $2`,
  // Concurrent inserts into one room queue here, so an overlap is refused at once instead of deadlocking.
  overlapLock: `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`,
  create: `INSERT INTO "reservation" ("customer_id", "room_id", "start_date", "end_date", "guests", "notes", "email", "total_price") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "id", "start_date" AS "startDate", "end_date" AS "endDate", "guests", "total_price" AS "totalPrice", "notes", "email", "payment_id" AS "paymentId", "customer_id" AS "customerId", "room_id" AS "roomId", "status", "created_at" AS "createdAt", "updated_at" AS "updatedAt", "version"`,
  mine: `SELECT "id", "start_date" AS "startDate", "end_date" AS "endDate", "guests", "total_price" AS "totalPrice", "notes", "email", "payment_id" AS "paymentId", "customer_id" AS "customerId", "room_id" AS "roomId", "status", "created_at" AS "createdAt", "updated_at" AS "updatedAt", "version" FROM "reservation" WHERE "customer_id" = $1 ORDER BY "start_date" DESC NULLS LAST, "id" ASC NULLS LAST LIMIT $2`,
};

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

interface Caller {
  id: string;
  roles: string[];
}

interface Booking {
  roomId: string;
  startDate: string;
  endDate: string;
  guests: number;
  notes: string | null;
}

export function buildHandWritten(options: HandWrittenOptions): FastifyInstance {
  const { pool, guarantees, log } = options;
  const keyed = guarantees === "same" || guarantees === "idempotency";
  const audited = guarantees === "same" || guarantees === "audit";
  const server = Fastify({ logger: false });
  const metrics = createToolMetrics();

  const authenticate = async (authorization: string | undefined): Promise<Caller> => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) throw new Refused(401, "UNAUTHENTICATED");
    try {
      const { payload } = await jwtVerify(token, options.key, { issuer: options.issuer, audience: options.audience, clockTolerance: 30 });
      if (typeof payload.sub !== "string") throw new Refused(401, "UNAUTHENTICATED");
      return { id: payload.sub, roles: Array.isArray(payload.roles) ? (payload.roles as string[]) : [] };
    } catch {
      throw new Refused(401, "UNAUTHENTICATED");
    }
  };

  /** The transaction's last statements sent with the COMMIT, none awaited before the next leaves. */
  const sendWithCommit = async (client: ClientLike, statements: Statement[]) => {
    const sent = statements.map((s) => client.query(named(s)));
    const settled = await Promise.allSettled([...sent, client.query("COMMIT")]);
    const refused = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (refused) throw refused.reason;
  };
  /** …and the audit append last: the executor's own statement (writing the chain's append by hand would only be a copy to keep in step). */
  const auditAndCommit = (client: ClientLike, body: AuditBody, before: Statement[] = []) =>
    sendWithCommit(client, [...before, auditAppend(body)]);
  /** BEGIN sent with the transaction's first read, not awaited before it. */
  const beginWith = async (client: ClientLike, begin: string, text: string, values: unknown[]) => {
    const [began, read] = await Promise.allSettled([client.query(begin), client.query(text, values)]);
    if (began.status === "rejected") throw began.reason;
    if (read.status === "rejected") throw read.reason;
    return read.value;
  };

  const auditBody = (
    invocationId: string,
    started: number,
    tool: string,
    caller: Caller,
    input: Record<string, unknown>,
    rows: AuditBody["rowsChanged"],
    status: number,
  ): AuditBody => ({
    invocationId,
    at: new Date(started).toISOString(),
    tool,
    trigger: "http",
    callerId: caller.id,
    callerRoles: caller.roles,
    input,
    inputDigest: sha256(canonicalJson(input)),
    rowsChanged: rows,
    effects: [],
    compensations: [],
    outcome: { status },
    durationMs: Date.now() - started,
  });

  const finish = (
    reply: FastifyReply,
    tool: string,
    invocationId: string,
    started: number,
    status: number,
    body: unknown,
    callerId?: string,
  ) => {
    const durationMs = Date.now() - started;
    metrics.observe(tool, status, durationMs / 1000);
    const line = { invocationId, tool, status, durationMs, ...(callerId ? { callerId } : {}) };
    if (status >= 400) log.warn(line, `${tool} refused`);
    else log.info(line, `${tool} ok`);
    return reply.code(status).header("x-invocation-id", invocationId).send(body);
  };

  server.get("/healthz", async () => ({ status: "ok" }));
  // Ready: the database answers (what the cold start waits for, as it waits for the executor's /readyz).
  server.get("/readyz", async (_request, reply) => {
    try {
      const client = await pool.connect();
      try {
        await client.query("SELECT 1");
      } finally {
        client.release();
      }
      return { status: "ready" };
    } catch (error) {
      return reply.code(503).send({ status: "unavailable", reason: (error as Error).message });
    }
  });

  /**
   * What every route does around its own work: time it, give it an invocation id, authenticate,
   * and answer a refusal with its status and code.
   */
  const answer =
    (tool: string, work: (request: FastifyRequest, caller: Caller, invocationId: string, started: number) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const started = Date.now();
      const invocationId = randomUUID();
      let caller: Caller | undefined;
      try {
        caller = await authenticate(request.headers.authorization);
        const body = await work(request, caller, invocationId, started);
        return finish(reply, tool, invocationId, started, 200, body, caller.id);
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        return finish(reply, tool, invocationId, started, error.status, { error: { code: error.code } }, caller?.id);
      }
    };

  server.post(
    "/reservations",
    answer("createReservation", async (request, caller, invocationId, started) => {
      const input = readBooking(request.body);
      if (!caller.roles.includes("customer") && !caller.roles.includes("staff")) throw new Refused(403, "FORBIDDEN");
      if (caller.roles.includes("suspended")) throw new Refused(403, "POLICY_DENIED");
      const key = request.headers["idempotency-key"];
      if (keyed && (typeof key !== "string" || key === "")) throw new Refused(400, "INVALID_INPUT");
      const client = await pool.connect();
      try {
        return await createReservation(client, caller, input, keyed ? (key as string) : null, invocationId, started);
      } finally {
        client.release();
      }
    }),
  );

  /** BEGIN … reads, checks, insert … COMMIT; with guarantees, the key and the audit record around it. */
  const createReservation = async (
    client: ClientLike,
    caller: Caller,
    input: Booking,
    key: string | null,
    invocationId: string,
    started: number,
  ) => {
    const inputRecord = { ...input } as unknown as Record<string, unknown>;
    const scope = key !== null ? { tool: "createReservation", callerId: caller.id, key } : null;
    if (scope) {
      const claim = claimStatement(scope, sha256(canonicalJson(inputRecord)), invocationId, 10_000 + 60_000);
      const claimed = (await client.query(named(claim))).rows[0];
      if (!claimed?.claimed) {
        if (claimed?.state === "done") return claimed.response_body;
        throw new Refused(409, "IDEMPOTENCY_IN_FLIGHT");
      }
    }
    const began = beginWith(client, guarantees === "bare" ? "BEGIN" : SQL.begin(10_000), SQL.customer, [caller.id, 1]);
    try {
      // The example's notPast: the earliest bookable day is today in UTC-12.
      if (input.startDate < new Date(Date.now() - 12 * 3_600_000).toISOString().slice(0, 10)) throw new Refused(422, "DATE_IN_PAST");
      const customer = (await began).rows[0];
      const room = (await client.query(SQL.room, [input.roomId, 1])).rows[0];
      if (!customer || !room) throw new Refused(404, "NOT_FOUND");
      if (!room.active) throw new Refused(409, "ROOM_CLOSED");
      if (input.guests > Number(room.capacity)) throw new Refused(422, "TOO_MANY_GUESTS");
      const nights = (Date.parse(`${input.endDate}T00:00:00Z`) - Date.parse(`${input.startDate}T00:00:00Z`)) / DAY_MS;
      if (nights <= 0 || nights > 30) throw new Refused(422, "INVARIANT_VIOLATED");
      // Money as the executor handles it: exact (decimal.js), sent and answered as text with the column's scale.
      const price = new Decimal(String(room.nightlyRate)).times(nights).toFixed(2);
      // The lock and the insert leave together; the insert runs once the lock is held.
      const locked = client.query(SQL.overlapLock, ["reservation.noDoubleBooking", JSON.stringify([input.roomId])]);
      const inserted = client.query(SQL.create, [
        caller.id,
        input.roomId,
        input.startDate,
        input.endDate,
        input.guests,
        input.notes,
        customer.email,
        price,
      ]);
      const [lock, insert] = await Promise.allSettled([locked, inserted]);
      if (lock.status === "rejected") throw lock.reason;
      if (insert.status === "rejected") throw insert.reason;
      const created = insert.value.rows[0]!;
      const body = { id: created.id, status: created.status, totalPrice: price };
      const stored = scope ? [storeResponseStatement(scope, invocationId, 200, body)] : [];
      const rows = [{ entity: "Reservation", id: String(created.id), action: "create" as const }];
      if (audited)
        await auditAndCommit(client, auditBody(invocationId, started, "createReservation", caller, inputRecord, rows, 200), stored);
      else await sendWithCommit(client, stored);
      return body;
    } catch (error) {
      await client.query("ROLLBACK");
      if (scope) await client.query(SQL.release, ["createReservation", caller.id, scope.key, invocationId]);
      throw error;
    }
  };

  server.get(
    "/reservations",
    answer("listReservations", async (request, caller, invocationId, started) => {
      const status = (request.query as Record<string, unknown>).status;
      if (status !== undefined && !["pending", "confirmed", "completed", "cancelled"].includes(String(status)))
        throw new Refused(400, "INVALID_INPUT");
      if (!caller.roles.includes("customer")) throw new Refused(403, "FORBIDDEN");
      const client = await pool.connect();
      try {
        let rows: Record<string, unknown>[];
        if (audited) {
          const began = beginWith(client, SQL.begin(5_000), SQL.mine, [caller.id, 100]);
          try {
            rows = (await began).rows;
            await auditAndCommit(
              client,
              auditBody(invocationId, started, "listReservations", caller, status === undefined ? {} : { status }, [], 200),
            );
          } catch (error) {
            await client.query("ROLLBACK");
            throw error;
          }
        } else {
          rows = (await client.query(SQL.mine, [caller.id, 100])).rows;
        }
        return {
          reservations: rows.map((r) => ({ id: r.id, room: r.roomId, startDate: r.startDate, endDate: r.endDate, status: r.status })),
        };
      } finally {
        client.release();
      }
    }),
  );
  return server;
}

function readBooking(body: unknown): Booking {
  const b = (body ?? {}) as Record<string, unknown>;
  const ok =
    typeof b.roomId === "string" &&
    UUID.test(b.roomId) &&
    typeof b.startDate === "string" &&
    DATE.test(b.startDate) &&
    !Number.isNaN(Date.parse(b.startDate)) &&
    typeof b.endDate === "string" &&
    DATE.test(b.endDate) &&
    !Number.isNaN(Date.parse(b.endDate)) &&
    Number.isInteger(b.guests) &&
    (b.guests as number) >= 1 &&
    (b.guests as number) <= 12 &&
    (b.notes === undefined || (typeof b.notes === "string" && b.notes.length <= 2000));
  if (!ok) throw new Refused(400, "INVALID_INPUT");
  return {
    roomId: b.roomId as string,
    startDate: b.startDate as string,
    endDate: b.endDate as string,
    guests: b.guests as number,
    notes: (b.notes as string | undefined) ?? null,
  };
}

/** A statement as pg runs it: prepared when marked, named as the executor's driver names it. */
function named(statement: Statement): ReturnType<typeof queryConfig> {
  return queryConfig(statement.text, statement.values, statement);
}
