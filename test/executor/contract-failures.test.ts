/**
 * Each of the nine steps' failures on the example app, on PostgreSQL and PGlite: the status, the
 * structured error body, the invocation id header — and the database unchanged (every app table
 * and the idempotency keys compared before and after), with the failure's own audit record.
 */
import type { LightMyRequestResponse } from "fastify";
import { tableByEntity } from "../../compiler/schema/model";
import { claimKey, fingerprintOf } from "../../executor/store/idempotency-store";
import { describeEachDriver } from "../support/databases";
import { exampleObjects, manifestOf, startHarness, type Harness } from "./support/harness";

describeEachDriver("the Execution Contract's failures", (driver) => {
  let h: Harness;
  let customer: string;
  let other: string;
  let room: string;
  let pending: string;

  beforeAll(async () => {
    // confirmReservation gets a 1 s deadline so a stalled payments API reaches it quickly.
    h = await startHarness(driver, {
      manifest: (ops) => {
        const objects = exampleObjects(ops);
        objects.find((o) => o.name === "confirmReservation")!.timeout = "1s";
        return manifestOf(objects);
      },
    });
    customer = await h.seedCustomer("Ada");
    other = await h.seedCustomer("Bob");
    room = await h.seedRoom("101", { capacity: 2 });
    const created = await post("/reservations", {
      token: await h.token(customer, ["customer"]),
      key: "seed",
      body: { roomId: room, startDate: "2036-05-01", endDate: "2036-05-04", guests: 2 },
    });
    expect(created.statusCode).toBe(200);
    pending = created.json<{ id: string }>().id;
  }, 60_000);
  afterAll(() => h?.close());

  async function post(
    url: string,
    o: { token?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    return h.server.inject({
      method: "POST",
      url,
      headers: {
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.key ? { "idempotency-key": o.key } : {}),
        ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
        ...o.headers,
      },
      ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
    });
  }

  /** Runs the request and checks the refusal, the unchanged database and the audit record of the failure. */
  async function refused(
    request: () => Promise<LightMyRequestResponse>,
    status: number,
    code: string,
  ): Promise<{ error: { code: string; message: string; details: { path?: string; message: string; [k: string]: unknown }[] } }> {
    const before = await h.snapshot();
    const response = await request();
    const body = response.json<{ error: { code: string; message: string; details: { path?: string; message: string }[] } }>();
    expect({ status: response.statusCode, code: body.error?.code }).toEqual({ status, code });
    expect(typeof body.error.message).toBe("string");
    expect(Array.isArray(body.error.details)).toBe(true);
    const invocationId = response.headers["x-fascia-invocation-id"];
    expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await h.snapshot()).toEqual(before);
    const record = (await h.audit()).find((r) => r.invocationId === invocationId);
    // A refusal before the caller is known has no record of its own: it is counted into its window's
    // aggregate record (test/executor/refusals.test.ts).
    if (status === 401) expect(record).toBeUndefined();
    else expect(record).toMatchObject({ outcome: { status, code }, rowsChanged: [] });
    return body;
  }

  const reservation = (id: string) => `/reservations/${id}`;
  const customerToken = () => h.token(customer, ["customer"]);
  const newBooking = (startDate: string, endDate: string, guests = 2) => ({ roomId: room, startDate, endDate, guests });

  it("step 1: a bad token, an expired token and a token for another audience are 401", async () => {
    let body = await refused(
      () => post(`${reservation(pending)}/confirm`, { headers: { authorization: "Bearer not.a.jwt" } }),
      401,
      "UNAUTHENTICATED",
    );
    expect(body.error.details[0]).toMatchObject({ path: "header.authorization" });
    body = await refused(
      async () =>
        post(`${reservation(pending)}/confirm`, {
          token: await h.token(customer, ["customer"], { expiresIn: Math.floor(Date.now() / 1000) - 600 }),
        }),
      401,
      "UNAUTHENTICATED",
    );
    expect(body.error.details[0]!.message).toBe("the token has expired");
    body = await refused(
      async () =>
        post(`${reservation(pending)}/confirm`, { token: await h.token(customer, ["customer"], { audience: "https://elsewhere.test" }) }),
      401,
      "UNAUTHENTICATED",
    );
    expect(body.error.details[0]!.message).toBe("the token's aud claim is not accepted");
    await refused(() => post(`${reservation(pending)}/confirm`), 401, "UNAUTHENTICATED");
  });

  it("step 2: bad input is 400 with every problem at its field path", async () => {
    const body = await refused(
      async () =>
        post("/reservations", {
          token: await customerToken(),
          key: "bad-input",
          body: { roomId: "nope", startDate: "2036-02-30", endDate: "2036-03-01", guests: 0, extra: 1 },
        }),
      400,
      "INVALID_INPUT",
    );
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["body.extra", "body.guests", "body.roomId", "body.startDate"]);
    const path = await refused(
      async () => post(`${reservation("not-a-uuid")}/confirm`, { token: await customerToken() }),
      400,
      "INVALID_INPUT",
    );
    expect(path.error.details).toEqual([{ path: "path.reservationId", message: "must be a UUID" }]);
    const malformed = await refused(
      async () =>
        h.server.inject({
          method: "POST",
          url: "/reservations",
          headers: { authorization: `Bearer ${await customerToken()}`, "content-type": "application/json", "idempotency-key": "m" },
          payload: "{not json",
        }),
      400,
      "INVALID_INPUT",
    );
    expect(malformed.error.details[0]!.path).toBe("body");
  });

  it("step 3: a caller without the tool's roles is 403", async () => {
    const body = await refused(
      async () =>
        h.server.inject({
          method: "GET",
          url: "/reservations",
          headers: { authorization: `Bearer ${await h.token(customer, ["staff"])}` },
        }),
      403,
      "FORBIDDEN",
    );
    expect(body.error.details[0]!.message).toBe("needs one of the roles customer");
  });

  it("step 4: a tool policy denies before any data is touched (403)", async () => {
    const body = await refused(
      async () => post(`${reservation(pending)}/confirm`, { token: await h.token(customer, ["customer", "suspended"]) }),
      403,
      "POLICY_DENIED",
    );
    expect(body.error).toMatchObject({ message: "suspended accounts cannot change reservations", details: [{ policy: "notSuspended" }] });
    expect(h.payments.charges()).toHaveLength(0);
  });

  it("step 6: a policyCheck node denies another customer's reservation (403), nothing charged", async () => {
    const body = await refused(
      async () => post(`${reservation(pending)}/confirm`, { token: await h.token(other, ["customer"]) }),
      403,
      "POLICY_DENIED",
    );
    expect(body.error.details[0]).toMatchObject({ node: "owner", policy: "ownsReservation" });
    expect(h.payments.charges()).toHaveLength(0);
  });

  it("step 5: the same Idempotency-Key replays the stored response; another payload is 409", async () => {
    const token = await customerToken();
    const first = await post("/reservations", { token, key: "replay-1", body: newBooking("2036-06-01", "2036-06-03") });
    expect(first.statusCode).toBe(200);
    const count = await h.count("reservation");
    const again = await post("/reservations", { token, key: "replay-1", body: newBooking("2036-06-01", "2036-06-03") });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(await h.count("reservation")).toBe(count);
    const replayRecord = (await h.audit()).find((r) => r.invocationId === again.headers["x-fascia-invocation-id"]);
    expect(replayRecord?.replayOf).toBe(first.headers["x-fascia-invocation-id"]);
    const body = await refused(
      () => post("/reservations", { token, key: "replay-1", body: newBooking("2036-06-10", "2036-06-12") }),
      409,
      "IDEMPOTENCY_CONFLICT",
    );
    expect(body.error.details[0]!.path).toBe("header.idempotency-key");
    await refused(() => post("/reservations", { token, body: newBooking("2036-06-10", "2036-06-12") }), 400, "IDEMPOTENCY_KEY_REQUIRED");
  });

  it("step 5: a key still held by a running invocation (another instance) is 409 in flight", async () => {
    await h.test.db.session((conn) =>
      claimKey(
        conn,
        { tool: "confirmReservation", callerId: customer, key: "held" },
        fingerprintOf({ reservationId: pending }),
        "other-instance",
        60_000,
      ),
    );
    const body = await refused(
      async () => post(`${reservation(pending)}/confirm`, { token: await customerToken(), key: "held" }),
      409,
      "IDEMPOTENCY_IN_FLIGHT",
    );
    expect(body.error.details[0]!.message).toContain("other-instance");
  });

  it("step 5: the deadline passing during a payment is 504, the reservation stays pending, a retry charges once", async () => {
    const token = await customerToken();
    h.payments.stallNext(1, 1_500);
    await refused(() => post(`${reservation(pending)}/confirm`, { token, key: "slow" }), 504, "DEADLINE_EXCEEDED");
    // The stalled request still reached the provider; the retry reuses its payment key, so it is not charged twice.
    await new Promise((r) => setTimeout(r, 1_200));
    const retry = await post(`${reservation(pending)}/confirm`, { token, key: "slow" });
    expect(retry.statusCode).toBe(200);
    expect(h.payments.charges()).toHaveLength(1);
    expect(h.payments.refunds()).toHaveLength(0);
    const row = (await h.rows("reservation")).find((r) => r.id === pending)!;
    expect(row).toMatchObject({ status: "confirmed", payment_id: h.payments.charges()[0]!.id });
  });

  it("step 6: an assert stops the flow with its own error", async () => {
    const body = await refused(async () => post(`${reservation(pending)}/confirm`, { token: await customerToken() }), 409, "NOT_PENDING");
    expect(body.error).toMatchObject({ message: "reservation is not pending", details: [{ node: "mustBePending" }] });
    await refused(
      async () => post("/reservations", { token: await customerToken(), key: "crowd", body: newBooking("2036-07-01", "2036-07-02", 5) }),
      422,
      "TOO_MANY_GUESTS",
    );
  });

  it("step 6: a read with one: true that finds nothing is 404", async () => {
    const body = await refused(
      async () => post(`${reservation("00000000-0000-4000-8000-000000000000")}/confirm`, { token: await customerToken() }),
      404,
      "NOT_FOUND",
    );
    expect(body.error.details[0]).toMatchObject({ node: "load", entity: "Reservation" });
  });

  it("step 7: invariants refuse the write, naming the spec's rule (422), checked by PostgreSQL or by the executor", async () => {
    const table = tableByEntity(h.server.executor.app.manifest.schema, "Reservation")!;
    expect(table.executorInvariants.map((i) => i.name)).toEqual(["stayAtMostThirtyNights"]);
    let body = await refused(
      async () => post("/reservations", { token: await customerToken(), key: "long", body: newBooking("2036-08-01", "2036-09-15") }),
      422,
      "INVARIANT_VIOLATED",
    );
    expect(body.error).toMatchObject({
      message: "a stay is at most 30 nights",
      details: [{ rule: "invariant stayAtMostThirtyNights", entity: "Reservation" }],
    });
    body = await refused(
      async () => post("/reservations", { token: await customerToken(), key: "backwards", body: newBooking("2036-08-05", "2036-08-01") }),
      422,
      "INVARIANT_VIOLATED",
    );
    expect(body.error).toMatchObject({
      message: "end date must be after start date",
      details: [{ rule: "invariant endAfterStart", node: "create" }],
    });
  });

  it("step 7: unique and noOverlap are 409 naming the rule", async () => {
    const token = await customerToken();
    let body = await refused(
      () => post("/reservations", { token, key: "overlap", body: newBooking("2036-05-02", "2036-05-06") }),
      409,
      "CONFLICT",
    );
    expect(body.error.details[0]).toMatchObject({ rule: "noOverlap noDoubleBooking", entity: "Reservation", node: "create" });
    body = await refused(
      () => post("/reservations", { token, key: "same-start", body: newBooking("2036-05-01", "2036-05-02") }),
      409,
      "CONFLICT",
    );
    expect(body.error.details[0]!.rule).toMatch(/^(unique \[room, startDate\]|noOverlap noDoubleBooking)$/);
  });

  it("step 9: a write whose audit record cannot be appended (the chain head row is gone) is 500 and commits nothing", async () => {
    // cancelReservation's writes commit in its final transaction, with the audit append sent
    // together with the COMMIT, unread: the append must fail and take the writes with it.
    const token = await customerToken();
    const created = await post("/reservations", { token, key: "to-cancel", body: newBooking("2036-10-01", "2036-10-03") });
    expect(created.statusCode).toBe(200);
    const head = (await h.test.db.query<{ seq: string; hash: string }>(`SELECT "seq"::text AS "seq", "hash" FROM "fascia_audit_head"`))
      .rows[0]!;
    const records = (await h.audit()).length;
    const before = await h.snapshot();
    await h.test.db.query(`DELETE FROM "fascia_audit_head"`);
    try {
      const response = await post(`${reservation(created.json<{ id: string }>().id)}/cancel`, { token });
      expect({ status: response.statusCode, code: response.json<{ error: { code: string } }>().error.code }).toEqual({
        status: 500,
        code: "INTERNAL",
      });
      expect(await h.snapshot()).toEqual(before);
      expect((await h.audit()).length).toBe(records);
    } finally {
      await h.test.db.query(`INSERT INTO "fascia_audit_head" ("id", "seq", "hash") VALUES (1, $1::bigint, $2)`, [head.seq, head.hash]);
    }
  });
});
