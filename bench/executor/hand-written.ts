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
 *   bare  the business SQL only: no idempotency, no audit (what the guarantees cost).
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

export type Guarantees = "same" | "bare";

/** What the server needs of pg: a pool handing out clients (a pg.Pool, or a counting wrapper). */
export interface PoolLike {
  connect(): Promise<ClientLike>;
}
export interface ClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
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

// The executor's statements, character for character (captured from its pool).
const SQL = {
  claim: `INSERT INTO "fascia_idempotency" ("tool", "caller_id", "key", "fingerprint", "state", "invocation_id", "locked_until") VALUES ($1, $2, $3, $4, 'running', $5, now() + $6 * interval '1 millisecond') ON CONFLICT DO NOTHING RETURNING "generation"`,
  claimed: `SELECT "fingerprint", "state", "generation", "invocation_id", "locked_until" < now() AS "expired", "response_status", "response_body" FROM "fascia_idempotency" WHERE "tool" = $1 AND "caller_id" = $2 AND "key" = $3`,
  release: `DELETE FROM "fascia_idempotency" WHERE "tool" = $1 AND "caller_id" = $2 AND "key" = $3 AND "invocation_id" = $4 AND "state" = 'running' AND "generation" = 0`,
  store: `UPDATE "fascia_idempotency" SET "state" = 'done', "response_status" = $5, "response_body" = $6, "locked_until" = now(), "updated_at" = now() WHERE "tool" = $1 AND "caller_id" = $2 AND "key" = $3 AND "invocation_id" = $4 RETURNING 1`,
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

  /** The audit append and the COMMIT, sent together (the pool pipelines), as the executor sends them. */
  const auditAndCommit = async (client: ClientLike, body: AuditBody) => {
    // The executor's own statement: writing the chain's append by hand would only be a copy to keep in step.
    const append = auditAppend(body);
    const appended = client.query(append.text, [...append.values]);
    const [appendResult, commit] = await Promise.allSettled([appended, client.query("COMMIT")]);
    if (appendResult.status === "rejected") throw appendResult.reason;
    if (commit.status === "rejected") throw commit.reason;
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
      if (guarantees === "same" && (typeof key !== "string" || key === "")) throw new Refused(400, "INVALID_INPUT");
      const client = await pool.connect();
      try {
        return await createReservation(client, caller, input, guarantees === "same" ? { key: key as string, invocationId, started } : null);
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
    idempotency: { key: string; invocationId: string; started: number } | null,
  ) => {
    const inputRecord = { ...input } as unknown as Record<string, unknown>;
    if (idempotency) {
      const claimed = await client.query(SQL.claim, [
        "createReservation",
        caller.id,
        idempotency.key,
        sha256(canonicalJson(inputRecord)),
        idempotency.invocationId,
        10_000 + 60_000,
      ]);
      if (!claimed.rows[0]) {
        const previous = (await client.query(SQL.claimed, ["createReservation", caller.id, idempotency.key])).rows[0];
        if (previous?.state === "done") return previous.response_body;
        throw new Refused(409, "IDEMPOTENCY_IN_FLIGHT");
      }
    }
    await client.query(guarantees === "same" ? SQL.begin(10_000) : "BEGIN");
    try {
      // The example's notPast: the earliest bookable day is today in UTC-12.
      if (input.startDate < new Date(Date.now() - 12 * 3_600_000).toISOString().slice(0, 10)) throw new Refused(422, "DATE_IN_PAST");
      const customer = (await client.query(SQL.customer, [caller.id, 1])).rows[0];
      const room = (await client.query(SQL.room, [input.roomId, 1])).rows[0];
      if (!customer || !room) throw new Refused(404, "NOT_FOUND");
      if (!room.active) throw new Refused(409, "ROOM_CLOSED");
      if (input.guests > Number(room.capacity)) throw new Refused(422, "TOO_MANY_GUESTS");
      const nights = (Date.parse(`${input.endDate}T00:00:00Z`) - Date.parse(`${input.startDate}T00:00:00Z`)) / DAY_MS;
      if (nights <= 0 || nights > 30) throw new Refused(422, "INVARIANT_VIOLATED");
      // Money as the executor handles it: exact (decimal.js), sent and answered as text with the column's scale.
      const price = new Decimal(String(room.nightlyRate)).times(nights).toFixed(2);
      await client.query(SQL.overlapLock, ["reservation.noDoubleBooking", JSON.stringify([input.roomId])]);
      const created = (
        await client.query(SQL.create, [
          caller.id,
          input.roomId,
          input.startDate,
          input.endDate,
          input.guests,
          input.notes,
          customer.email,
          price,
        ])
      ).rows[0]!;
      const body = { id: created.id, status: created.status, totalPrice: price };
      if (idempotency) {
        await client.query(SQL.store, [
          "createReservation",
          caller.id,
          idempotency.key,
          idempotency.invocationId,
          200,
          JSON.stringify(body),
        ]);
        await auditAndCommit(
          client,
          auditBody(
            idempotency.invocationId,
            idempotency.started,
            "createReservation",
            caller,
            inputRecord,
            [{ entity: "Reservation", id: String(created.id), action: "create" }],
            200,
          ),
        );
      } else {
        await client.query("COMMIT");
      }
      return body;
    } catch (error) {
      await client.query("ROLLBACK");
      if (idempotency) await client.query(SQL.release, ["createReservation", caller.id, idempotency.key, idempotency.invocationId]);
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
        if (guarantees === "same") {
          await client.query(SQL.begin(5_000));
          try {
            rows = (await client.query(SQL.mine, [caller.id, 100])).rows;
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
