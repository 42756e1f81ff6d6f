/**
 * Faults at the seams between the database and the payments provider, with real peers only:
 * - the payments server fails after the flow's DB write → the write is rolled back, the key
 *   freed, and the only trace is the failure's own audit record (PostgreSQL and PGlite);
 * - the database refuses the COMMIT after a charge (a deferred unique constraint, checked by
 *   PostgreSQL at commit) → the charge is refunded, the payments server sees the refund
 *   (PostgreSQL and PGlite);
 * - the invocation's database connection is killed mid-flow with pg_terminate_backend from a
 *   second connection — while the flow waits for a stalled charge, and while it waits for a row
 *   lock → a structured 503, nothing partial, and the same request retried with its
 *   Idempotency-Key succeeds once (PostgreSQL only: PGlite has no second backend to kill);
 * - the connection cut right after the final COMMIT left (it landed, its answer was lost) → the
 *   executor asks PostgreSQL and answers 200, nothing refunded; cut right before → 503, refunded;
 *   cut under the idempotency claim → 503, not a 500; cut mid-flow with the backend left holding
 *   its row lock → 503, and the executor ends that backend so the retry is not blocked.
 */
import type { LightMyRequestResponse } from "fastify";
import type { AuditBody } from "../../executor/audit/audit-chain";
import { Client } from "pg";
import { preparedStatementName } from "../../database/pg-driver";
import { claimStatement } from "../../executor/store/idempotency-store";
import { describeEachDriver, SERVER_URL, testDrivers } from "../support/databases";
import { startTcpProxy, throughProxy, type TcpProxy } from "../support/tcp-proxy";
import { exampleObjects, manifestOf, startHarness, type Harness } from "./support/harness";
import { clerkPost, startShop } from "./support/shop";

/** A statement on the server's maintenance database (ALTER DATABASE cannot target the current one). */
async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The audit records appended since `count` records were there. */
async function auditSince(h: Harness, count: number): Promise<AuditBody[]> {
  return (await h.audit()).slice(count);
}

function expectStructuredError(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): { code: string; message: string; details: Record<string, unknown>[] } {
  expect({ status: response.statusCode, code: response.json<{ error?: { code?: string } }>().error?.code }).toEqual({ status, code });
  const body = response.json<{ error: { code: string; message: string; details: Record<string, unknown>[] } }>();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "details", "message"]);
  expect(response.body).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace leaks
  expect(response.headers["x-fascia-invocation-id"]).toMatch(/^[0-9a-f-]{36}$/);
  return body.error;
}

describeEachDriver("faults between the database and the payments provider", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startShop(driver);
  }, 60_000);
  afterAll(() => h?.close());

  const post = clerkPost(() => h);

  it("the payments server failing after the DB write: rolled back, no order, no key, only the failure's audit record", async () => {
    const before = await h.snapshot();
    const audited = (await h.audit()).length;
    const requests = h.payments.requestCount();
    h.payments.failNext(2, 503); // both attempts of the charge node
    const response = await post("/orders", { item: "lamp", amount: 1200 }, "fault-lamp");
    const error = expectStructuredError(response, 502, "UPSTREAM_FAILED");
    expect(error.details).toMatchObject([{ node: "charge", failure: "unavailable" }]);
    expect(h.payments.requestCount() - requests).toBe(2);
    expect(h.payments.charges()).toHaveLength(0);
    // Every app row and every idempotency row as before: the insert of `record` was rolled back.
    expect(await h.snapshot()).toEqual(before);
    const records = await auditSince(h, audited);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      invocationId: response.headers["x-fascia-invocation-id"],
      tool: "recordThenCharge",
      outcome: { status: 502, code: "UPSTREAM_FAILED" },
      rowsChanged: [],
      effects: [],
      compensations: [],
    });
  });

  it("the COMMIT refused after the charge (a deferred unique constraint): 409 naming the rule, the charge refunded", async () => {
    // The spec's unique constraint on Order.item, re-declared DEFERRABLE INITIALLY DEFERRED under
    // its own name: PostgreSQL accepts the INSERT and refuses the COMMIT.
    await h.test.db.exec(
      `ALTER TABLE "order" DROP CONSTRAINT "order__item__key", ADD CONSTRAINT "order__item__key" UNIQUE ("item") DEFERRABLE INITIALLY DEFERRED`,
    );
    const first = await post("/orders/paid", { item: "clock", amount: 300 }, "clock-1");
    expect(first.statusCode).toBe(200);
    const charges = h.payments.charges().length;
    const refunds = h.payments.refunds().length;
    const before = await h.snapshot();
    const audited = (await h.audit()).length;

    const response = await post("/orders/paid", { item: "clock", amount: 450 }, "clock-2");
    const error = expectStructuredError(response, 409, "CONFLICT");
    // No node named: the statement went through, the commit was refused.
    expect(error.details).toEqual([{ message: expect.any(String), entity: "Order", rule: "field item: unique" }]);
    const charge = h.payments.charges()[charges]!;
    expect(charge).toMatchObject({ amount: 450 });
    expect(h.payments.refunds().slice(refunds)).toMatchObject([{ paymentIntent: charge.id, amount: 450 }]);

    const after = await h.snapshot();
    expect(after.order).toEqual(before.order);
    expect(after.fascia_idempotency).toEqual([
      ...before.fascia_idempotency!,
      { tool: "chargeThenRecord", caller_id: "clerk-1", key: "clock-2", state: "failed", response_status: null },
    ]);
    const records = await auditSince(h, audited);
    expect(records).toHaveLength(1); // the success's record went down with the refused commit
    expect(records[0]).toMatchObject({
      outcome: { status: 409, code: "CONFLICT" },
      rowsChanged: [],
      effects: [{ node: "charge", kind: "charge", id: charge.id, amount: 450 }],
      compensations: [{ node: "charge", kind: "refund", ok: true }],
    });

    // The same key with a payload that commits: a new charge (new generation, new payment key), kept.
    const retried = await post("/orders/paid", { item: "clock", amount: 450 }, "clock-2");
    expect(retried.statusCode).toBe(409); // same payload, same refusal: the retry is a new attempt, not a replay
    const fixed = await post("/orders/paid", { item: "clockwork", amount: 450 }, "clock-3");
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json<{ payment: string }>().payment).not.toBe(charge.id);
    const kept = h.payments.charges().filter((c) => !h.payments.refunds().some((r) => r.paymentIntent === c.id));
    expect(kept.map((c) => c.amount)).toEqual([300, 450]);
  });
});

(testDrivers().includes("pg") ? describe : describe.skip)("database connections refused, exhausted and killed mid-flow [pg]", () => {
  let h: Harness;
  let customer: string;
  let room: string;
  beforeAll(async () => {
    // The executor gets a pool of one connection of its own, and listReservations a 1 s deadline,
    // so one stalled invocation exhausts the pool for longer than a listing may wait.
    h = await startHarness("pg", {
      poolSize: 1,
      manifest: (ops) => {
        const objects = exampleObjects(ops);
        objects.find((o) => o.name === "listReservations")!.timeout = "1s";
        return manifestOf(objects);
      },
    });
    customer = await h.seedCustomer("Ada");
    room = await h.seedRoom("201", { capacity: 2, nightlyRate: "80.00" });
  }, 60_000);
  afterAll(() => h?.close());

  const confirm = async (id: string, key: string) =>
    h.server.inject({
      method: "POST",
      url: `/reservations/${id}/confirm`,
      headers: { authorization: `Bearer ${await h.token(customer, ["customer"])}`, "idempotency-key": key },
    });

  async function pendingReservation(startDate: string, endDate: string): Promise<string> {
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { authorization: `Bearer ${await h.token(customer, ["customer"])}`, "idempotency-key": `create-${startDate}` },
      payload: { roomId: room, startDate, endDate, guests: 1 },
    });
    expect(created.statusCode).toBe(200);
    return created.json<{ id: string }>().id;
  }

  /** The backend of the invocation in `state` (other pool connections are idle), once it is there. */
  async function invocationBackend(state: "idle in transaction" | "active", queryLike: string): Promise<number> {
    const until = Date.now() + 5_000;
    while (Date.now() < until) {
      const { rows } = await h.test.db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = $1 AND query LIKE $2`,
        [state, queryLike],
      );
      if (rows.length === 1) return rows[0]!.pid;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no backend in state ${state} running ${queryLike}`);
  }

  const terminate = async (pid: number) => {
    const { rows } = await h.test.db.query<{ ok: boolean }>(`SELECT pg_terminate_backend($1) AS ok`, [pid]);
    expect(rows[0]!.ok).toBe(true);
  };

  it("the database refusing new connections: 503 UNAVAILABLE (not a 500), /readyz 503, and the request runs once it accepts them again", async () => {
    const id = await pendingReservation("2036-02-01", "2036-02-02");
    const database = new URL(h.test.url).pathname.slice(1);
    const before = await h.snapshot();
    const allowConnections = (allow: boolean) => asAdmin(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS ${allow}`);
    await allowConnections(false);
    // Its open connections go too (the pools drop them when they next look).
    await asAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
    try {
      const error = expectStructuredError(await confirm(id, "refused"), 503, "UNAVAILABLE");
      expect(error.message).toBe("the database cannot be reached; nothing was run");
      const ready = await h.server.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.code).toBe("UNAVAILABLE");
    } finally {
      await allowConnections(true);
    }
    expect(await h.snapshot()).toEqual(before);
    expect(h.payments.charges()).toHaveLength(0);
    expect((await confirm(id, "refused")).statusCode).toBe(200);
    expect(h.payments.charges()).toHaveLength(1);
  });

  it("the pool exhausted: a request that cannot get a connection within its deadline is 503, not queued without end", async () => {
    const id = await pendingReservation("2036-02-10", "2036-02-11");
    const listing = async () =>
      h.server.inject({
        method: "GET",
        url: "/reservations",
        headers: { authorization: `Bearer ${await h.token(customer, ["customer"])}` },
      });
    h.payments.stallNext(1, 1_800);
    const holding = confirm(id, "holding"); // holds the executor's only connection for 1.8 s
    await invocationBackend("idle in transaction", "%FOR UPDATE%");
    const refused = await listing();
    const error = expectStructuredError(refused, 503, "UNAVAILABLE");
    expect(error).toMatchObject({
      message: "no database connection became free within 1000 ms; retry later",
      details: [{ message: "database connection pool exhausted" }],
    });
    expect((await holding).statusCode).toBe(200);
    // Its audit record waited for the freed connection.
    const record = (await h.audit()).find((r) => r.invocationId === refused.headers["x-fascia-invocation-id"]);
    expect(record).toMatchObject({ tool: "listReservations", outcome: { status: 503, code: "UNAVAILABLE" } });
    expect((await listing()).statusCode).toBe(200);
  });

  it("killed while the flow waits for a stalled charge: 503, the charge refunded, the retry confirms once", async () => {
    const id = await pendingReservation("2036-03-01", "2036-03-03");
    const before = await h.snapshot();
    const audited = (await h.audit()).length;
    const requests = h.payments.requestCount();
    const charges = h.payments.charges().length;
    const refunds = h.payments.refunds().length;

    h.payments.stallNext(1, 1_000);
    const pending = confirm(id, "kill-charge");
    // The flow holds the row lock (FOR UPDATE) and waits for the payments server.
    const pid = await invocationBackend("idle in transaction", "%FOR UPDATE%");
    while (h.payments.requestCount() === requests) await new Promise((r) => setTimeout(r, 10));
    await terminate(pid);
    const response = await pending;

    const error = expectStructuredError(response, 503, "UNAVAILABLE");
    expect(error.details).toMatchObject([{ node: "confirm", message: "connection lost" }]);
    const charge = h.payments.charges()[charges];
    expect(h.payments.charges()).toHaveLength(charges + 1);
    expect(h.payments.refunds().slice(refunds)).toMatchObject([{ paymentIntent: charge!.id, amount: 16000 }]);
    // Nothing partial: the reservation still pending, no other row touched; the key kept as failed
    // (a refunded charge moves its generation on, so the retry's payment key is a new one).
    const after = await h.snapshot();
    expect(after.reservation).toEqual(before.reservation);
    expect(after.fascia_idempotency).toContainEqual({
      tool: "confirmReservation",
      caller_id: customer,
      key: "kill-charge",
      state: "failed",
      response_status: null,
    });
    const records = await auditSince(h, audited);
    expect(records).toMatchObject([
      {
        outcome: { status: 503, code: "UNAVAILABLE" },
        rowsChanged: [],
        effects: [{ kind: "charge", id: charge!.id }],
        compensations: [{ kind: "refund", ok: true }],
      },
    ]);

    const retried = await confirm(id, "kill-charge");
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ id, status: "confirmed" });
    const again = await confirm(id, "kill-charge");
    expect(again.headers["idempotent-replayed"]).toBe("true");

    // Exactly one charge for this reservation net of refunds, and it is the one on its row.
    const kept = h.payments
      .charges()
      .slice(charges)
      .filter((c) => !h.payments.refunds().some((r) => r.paymentIntent === c.id));
    expect(kept).toHaveLength(1);
    expect((await h.rows("reservation")).find((r) => r.id === id)).toMatchObject({ status: "confirmed", payment_id: kept[0]!.id });
  });

  it("killed while the flow waits for the row lock: 503, nothing charged, the key freed, the retry confirms once", async () => {
    const id = await pendingReservation("2036-04-01", "2036-04-02");
    const charges = h.payments.charges().length;
    const refunds = h.payments.refunds().length;
    const before = await h.snapshot();
    // A second session holds the reservation's row lock, so the invocation's FOR UPDATE waits.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const holder = h.test.db.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM "reservation" WHERE "id" = $1 FOR UPDATE`, [id]);
      locked();
      await released;
    });
    await lockTaken;
    try {
      const pending = confirm(id, "kill-lock");
      const pid = await invocationBackend("active", "%FOR UPDATE%");
      await terminate(pid);
      const response = await pending;
      const error = expectStructuredError(response, 503, "UNAVAILABLE");
      expect(error.details).toMatchObject([{ node: "load" }]);
    } finally {
      release();
      await holder;
    }
    expect(h.payments.charges()).toHaveLength(charges);
    expect(h.payments.refunds()).toHaveLength(refunds);
    expect(await h.snapshot()).toEqual(before); // the key's row is gone too
    const retried = await confirm(id, "kill-lock");
    expect(retried.statusCode).toBe(200);
    expect(h.payments.charges()).toHaveLength(charges + 1);
    expect((await h.rows("reservation")).find((r) => r.id === id)).toMatchObject({
      status: "confirmed",
      payment_id: h.payments.charges()[charges]!.id,
    });
  });
});

(testDrivers().includes("pg") ? describe : describe.skip)("a final COMMIT whose answer is lost with its connection [pg]", () => {
  // The executor's pool reaches PostgreSQL through a loopback proxy that can cut a connection
  // right after (or right before) passing on the COMMIT, as a failing network or load balancer would.
  let h: Harness;
  let proxy: TcpProxy;
  let customer: string;
  let room: string;
  beforeAll(async () => {
    const server = new URL(SERVER_URL);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    // No outbox drainer: its COMMITs would pass the proxy too, and the armed cut must meet the invocation's.
    h = await startHarness("pg", { dbUrl: (url) => throughProxy(url, proxy), server: { outbox: false } });
    customer = await h.seedCustomer("Ada");
    room = await h.seedRoom("301", { capacity: 2, nightlyRate: "80.00" });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  const headers = async (key: string) => ({ authorization: `Bearer ${await h.token(customer, ["customer"])}`, "idempotency-key": key });
  const confirm = async (id: string, key: string) =>
    h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers: await headers(key) });
  async function pendingReservation(startDate: string, endDate: string): Promise<string> {
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: await headers(`create-${startDate}`),
      payload: { roomId: room, startDate, endDate, guests: 1 },
    });
    expect(created.statusCode).toBe(200);
    return created.json<{ id: string }>().id;
  }
  // The COMMIT query message itself ("BEGIN ISOLATION LEVEL READ COMMITTED" must not match).
  const isCommit = (chunk: string) => chunk.includes("COMMIT\u0000");

  it("the COMMIT lands but its answer is lost: 200, the charge kept, one success record, the key replays it", async () => {
    const id = await pendingReservation("2036-06-01", "2036-06-03");
    const charges = h.payments.charges().length;
    const refunds = h.payments.refunds().length;
    const audited = (await h.audit()).length;

    const cut = proxy.cut(isCommit, "after-forwarding");
    const response = await confirm(id, "lost-ack");
    await cut;

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id, status: "confirmed" });
    const charge = h.payments.charges()[charges]!;
    expect(h.payments.charges()).toHaveLength(charges + 1);
    expect(h.payments.refunds()).toHaveLength(refunds);
    expect((await h.rows("reservation")).find((r) => r.id === id)).toMatchObject({ status: "confirmed", payment_id: charge.id });
    const records = await auditSince(h, audited);
    expect(records).toMatchObject([
      { invocationId: response.headers["x-fascia-invocation-id"], outcome: { status: 200 }, compensations: [] },
    ]);
    const again = await confirm(id, "lost-ack");
    expect({ status: again.statusCode, replayed: again.headers["idempotent-replayed"] }).toEqual({ status: 200, replayed: "true" });
  });

  it("the connection cut mid-flow, its backend left holding the row lock: 503, and the retry is not blocked by that lock", async () => {
    const id = await pendingReservation("2036-09-01", "2036-09-03");
    const before = await h.snapshot();
    const charges = h.payments.charges().length;
    // The read takes the row lock (FOR UPDATE); the proxy keeps the backend's side open for two
    // minutes, longer than this test may take, so only the executor ending it frees the lock. The
    // read is a prepared statement: its text travels on a connection's first use, after that its
    // name and its parameters (the reservation's id, which nothing else sent here carries). The
    // idempotency claim travels in the same chunk: it commits, and its answer is lost too.
    const cut = proxy.cut((chunk) => chunk.includes("FOR UPDATE") || chunk.includes(id), "after-forwarding", 120_000);
    const response = await confirm(id, "lost-mid-flow");
    await cut;
    expectStructuredError(response, 503, "UNAVAILABLE");
    expect(await h.snapshot()).toEqual(before);
    expect(h.payments.charges()).toHaveLength(charges);
    const retried = await confirm(id, "lost-mid-flow");
    expect(retried.statusCode).toBe(200);
    expect((await h.rows("reservation")).find((r) => r.id === id)).toMatchObject({ status: "confirmed" });
  });

  it("the connection cut under the idempotency claim: 503 (not a 500), nothing written, the retry confirms", async () => {
    const id = await pendingReservation("2036-08-01", "2036-08-03");
    const before = await h.snapshot();
    // The claim is a prepared statement: its text travels on a connection's first claim, its name on every one.
    const claim = preparedStatementName(claimStatement({ tool: "", callerId: "", key: "" }, "", "", 0).text);
    const cut = proxy.cut((chunk) => chunk.includes('INSERT INTO "fascia_idempotency"') || chunk.includes(claim), "before-forwarding");
    const response = await confirm(id, "lost-claim");
    await cut;
    expectStructuredError(response, 503, "UNAVAILABLE");
    expect(await h.snapshot()).toEqual(before);
    const retried = await confirm(id, "lost-claim");
    expect(retried.statusCode).toBe(200);
  });

  it("the COMMIT never reaches PostgreSQL: 503, the charge refunded, the reservation still pending", async () => {
    const id = await pendingReservation("2036-07-01", "2036-07-03");
    const charges = h.payments.charges().length;
    const refunds = h.payments.refunds().length;
    const before = await h.snapshot();
    const audited = (await h.audit()).length;

    // The backend is left in its transaction, holding the reservation's row lock and perhaps the
    // audit chain head, until the executor ends it: the proxy would keep it for two minutes,
    // longer than this test may take.
    const cut = proxy.cut(isCommit, "before-forwarding", 120_000);
    const response = await confirm(id, "lost-commit");
    await cut;

    expectStructuredError(response, 503, "UNAVAILABLE");
    const charge = h.payments.charges()[charges]!;
    expect(h.payments.refunds().slice(refunds)).toMatchObject([{ paymentIntent: charge.id }]);
    const after = await h.snapshot();
    expect(after.reservation).toEqual(before.reservation);
    expect(await auditSince(h, audited)).toMatchObject([
      { outcome: { status: 503, code: "UNAVAILABLE" }, compensations: [{ kind: "refund", ok: true }] },
    ]);
    // The retry confirms once, with a new charge.
    const retried = await confirm(id, "lost-commit");
    expect(retried.statusCode).toBe(200);
    expect((await h.rows("reservation")).find((r) => r.id === id)).toMatchObject({
      status: "confirmed",
      payment_id: h.payments.charges()[charges + 1]!.id,
    });
  });
});
