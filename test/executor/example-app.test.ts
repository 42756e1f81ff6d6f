/**
 * The example app end to end through the executor, on PostgreSQL and PGlite: create → confirm
 * (the local payments server sees the charge) → cancel (it sees the refund), the listing, a signed
 * webhook delivery and its redelivery, and the nightly scheduled run with Cloud Scheduler's OIDC
 * token — every invocation audited on one unbroken hash chain.
 */
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { describeEachDriver } from "../support/databases";
import { SERVICE_HOST, startHarness, type Harness } from "./support/harness";

describeEachDriver("the example app through the executor", (driver) => {
  let h: Harness;
  let customer: string;
  let room: string;
  beforeAll(async () => {
    h = await startHarness(driver);
    customer = await h.seedCustomer("Ada");
    room = await h.seedRoom("101", { capacity: 3, nightlyRate: "99.50" });
  }, 60_000);
  afterAll(() => h?.close());

  const auth = async (roles = ["customer"]) => ({ authorization: `Bearer ${await h.token(customer, roles)}` });

  it("create → confirm → cancel: the charge and the refund reach the payments server, the rows follow", async () => {
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...(await auth()), "idempotency-key": "book-1" },
      payload: { roomId: room, startDate: "2036-04-01", endDate: "2036-04-04", guests: 2, notes: "late arrival" },
    });
    expect(created.statusCode).toBe(200);
    const { id, status, totalPrice } = created.json<{ id: string; status: string; totalPrice: string }>();
    expect({ status, totalPrice }).toEqual({ status: "pending", totalPrice: "298.50" });
    // The confirmation mail runs after the commit: the outbox sends it once the booking committed.
    await h.outboxSettled();
    expect(h.mail.messages().map((m) => m.subject)).toContain("Your reservation is pending");

    const confirmed = await h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers: await auth() });
    expect(confirmed.json()).toEqual({ id, status: "confirmed" });
    const [charge] = h.payments.charges();
    expect(charge).toMatchObject({ amount: 29850, currency: "eur", customer });
    expect(charge!.idempotencyKey).toMatch(/^fascia_.+:charge$/);

    const cancelled = await h.server.inject({
      method: "POST",
      url: `/reservations/${id}/cancel`,
      headers: await auth(),
      payload: { reason: "plans changed" },
    });
    expect(cancelled.json()).toEqual({ id, status: "cancelled", refunded: true });
    // The refund too: stored in the outbox with the cancellation, made once it committed, with a key derived from its row.
    const outbox = await h.outboxSettled();
    expect(h.payments.refunds()).toMatchObject([{ paymentIntent: charge!.id, amount: 29850 }]);
    const refundEntry = outbox.find((e) => e.node === "refund")!;
    expect(refundEntry).toMatchObject({ state: "done", attempts: 1, tool: "cancelReservation" });
    expect(h.payments.refunds()[0]!.idempotencyKey).toBe(`fascia_${String(refundEntry.id).replace(/-/g, "")}`);
    const row = (await h.rows("reservation")).find((r) => r.id === id)!;
    expect(row).toMatchObject({ status: "cancelled", payment_id: charge!.id, version: 3, notes: "late arrival" });

    const audit = await h.audit();
    const byTool = (tool: string) => audit.filter((r) => r.tool === tool).at(-1)!;
    expect(byTool("createReservation")).toMatchObject({
      outcome: { status: 200 },
      rowsChanged: [{ entity: "Reservation", id, action: "create" }],
      effects: [],
      queued: [{ node: "sendConfirmation", kind: "email" }],
    });
    expect(byTool("confirmReservation")).toMatchObject({
      rowsChanged: [{ entity: "Reservation", id, action: "transition" }],
      effects: [{ node: "charge", kind: "charge", id: charge!.id, amount: 29850 }],
    });
    expect(byTool("cancelReservation").queued).toMatchObject([{ node: "refund", kind: "refund", outboxId: refundEntry.id }]);
    // Each delivery has a record of its own, pointing at the invocation that enqueued it.
    const deliveries = await h.deliveries();
    expect(deliveries.find((d) => d.delivery?.outboxId === refundEntry.id)).toMatchObject({
      tool: "cancelReservation",
      trigger: "outbox",
      outcome: { status: 200 },
      effects: [{ node: "refund", kind: "refund", amount: 29850 }],
      delivery: { of: byTool("cancelReservation").invocationId, attempts: 1 },
    });
    expect(await verifyAuditLog(h.test.db)).toMatchObject({ records: audit.length + deliveries.length });
  });

  it("lists the caller's reservations, newest stay first", async () => {
    for (const [start, end] of [
      ["2036-09-01", "2036-09-02"],
      ["2036-10-01", "2036-10-03"],
    ]) {
      const r = await h.server.inject({
        method: "POST",
        url: "/reservations",
        headers: { ...(await auth()), "idempotency-key": `list-${start}` },
        payload: { roomId: room, startDate: start, endDate: end, guests: 1 },
      });
      expect(r.statusCode).toBe(200);
    }
    const listed = await h.server.inject({ method: "GET", url: "/reservations", headers: await auth() });
    expect(listed.statusCode).toBe(200);
    const starts = listed.json<{ reservations: { startDate: string; room: string }[] }>().reservations.map((r) => r.startDate);
    expect(starts).toEqual(["2036-10-01", "2036-09-01", "2036-04-01"]);
    const stranger = await h.seedCustomer("Eve");
    const none = await h.server.inject({
      method: "GET",
      url: "/reservations",
      headers: { authorization: `Bearer ${await h.token(stranger, ["customer"])}` },
    });
    expect(none.json()).toEqual({ reservations: [] });
  });

  it("?status= keeps the caller's reservations in that state; an unknown state is refused at its path", async () => {
    const list = async (query: string) => h.server.inject({ method: "GET", url: `/reservations${query}`, headers: await auth() });
    const all = (await list("")).json<{ reservations: { id: string; status: string }[] }>().reservations;
    expect(new Set(all.map((r) => r.status))).toEqual(new Set(["cancelled", "pending"]));
    for (const status of ["pending", "cancelled", "confirmed"]) {
      const listed = await list(`?status=${status}`);
      expect(listed.statusCode).toBe(200);
      const ids = listed.json<{ reservations: { id: string; status: string }[] }>().reservations;
      expect(ids).toEqual(all.filter((r) => r.status === status));
    }
    const unknown = await list("?status=lost");
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain("status");
  });

  it("a cancelled booking frees its room and dates: booking the same room and start date again is 200", async () => {
    const book = async (key: string) =>
      h.server.inject({
        method: "POST",
        url: "/reservations",
        headers: { ...(await auth()), "idempotency-key": key },
        payload: { roomId: room, startDate: "2036-04-01", endDate: "2036-04-03", guests: 1 },
      });
    // The first test cancelled its booking of 2036-04-01 → 04-04 in this room.
    const again = await book("rebook-1");
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: "pending", totalPrice: "199.00" });
    // A live booking still holds the room: the same dates again is a conflict.
    const twice = await book("rebook-2");
    expect(twice.statusCode).toBe(409);
    await h.server.inject({ method: "POST", url: `/reservations/${again.json<{ id: string }>().id}/cancel`, headers: await auth() });
  });

  it("a signed webhook cancels the reservation of a failed payment; a redelivery replays; a bad signature is 401", async () => {
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...(await auth()), "idempotency-key": "hook" },
      payload: { roomId: room, startDate: "2036-12-01", endDate: "2036-12-02", guests: 1 },
    });
    const reservationId = created.json<{ id: string }>().id;
    const body = JSON.stringify({ id: "evt_1", type: "payment.failed", reservationId, paymentId: "pi_x" });
    const delivered = await h.server.inject({ method: "POST", url: "/webhooks/payments", headers: h.signed(body), payload: body });
    expect(delivered.statusCode).toBe(200);
    expect(delivered.json()).toEqual({ received: "evt_1", action: "payment.failed" });
    expect((await h.rows("reservation")).find((r) => r.id === reservationId)!.status).toBe("cancelled");

    const again = await h.server.inject({ method: "POST", url: "/webhooks/payments", headers: h.signed(body), payload: body });
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json()).toEqual(delivered.json());

    const ignored = JSON.stringify({ id: "evt_2", type: "payment.succeeded", reservationId, paymentId: "pi_x" });
    const other = await h.server.inject({ method: "POST", url: "/webhooks/payments", headers: h.signed(ignored), payload: ignored });
    expect(other.json()).toEqual({ received: "evt_2", action: "payment.succeeded" });

    const before = await h.snapshot();
    const forged = await h.server.inject({
      method: "POST",
      url: "/webhooks/payments",
      headers: { ...h.signed(body), "content-type": "application/json" },
      payload: body.replace("evt_1", "evt_3"),
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.details[0]).toMatchObject({
      path: "header.fascia-signature",
      message: "the signature does not match the body",
    });
    const stale = await h.server.inject({
      method: "POST",
      url: "/webhooks/payments",
      headers: h.signed(body, Math.floor(Date.now() / 1000) - 3600),
      payload: body,
    });
    expect(stale.statusCode).toBe(401);
    expect(await h.snapshot()).toEqual(before);
  });

  it("the nightly job runs with the scheduler's OIDC token, once per scheduled time", async () => {
    const id = await h.seed("Reservation", {
      customerId: customer,
      roomId: room,
      startDate: "2026-01-10",
      endDate: "2026-01-12",
      guests: 1,
      totalPrice: "199.00",
      email: "ada@example.com",
    });
    await h.test.db.query(`UPDATE "reservation" SET "status" = 'confirmed', "payment_id" = 'pi_old' WHERE "id" = $1`, [id]);
    const call = async (audience?: string, scheduled = "2026-11-24T02:00:00Z") =>
      h.server.inject({
        method: "POST",
        url: "/_fascia/scheduled/completeStays",
        headers: {
          host: SERVICE_HOST,
          authorization: `Bearer ${await h.schedulerToken(audience ? { audience } : {})}`,
          "x-cloudscheduler-scheduletime": scheduled,
        },
      });
    const wrong = await call("https://other-service.a.run.app");
    expect(wrong.statusCode).toBe(401);
    const user = await h.server.inject({
      method: "POST",
      url: "/_fascia/scheduled/completeStays",
      headers: { host: SERVICE_HOST, authorization: `Bearer ${await h.token(customer, ["scheduler"])}` },
    });
    expect(user.statusCode).toBe(401);

    const ran = await call();
    expect(ran.statusCode).toBe(200);
    expect(ran.json()).toEqual({ completed: 1, stillConfirmed: 0 });
    expect((await h.rows("reservation")).find((r) => r.id === id)!.status).toBe("completed");
    await h.outboxSettled();
    expect(h.ops.received).toHaveLength(1);
    expect(h.ops.received[0]!.headers.authorization).toBe("Bearer ops-token");
    expect(JSON.parse(h.ops.received[0]!.body)).toEqual({ completed: 1, confirmed: 0 });

    const redelivered = await call();
    expect(redelivered.headers["idempotent-replayed"]).toBe("true");
    expect(h.ops.received).toHaveLength(1);
    const record = (await h.audit()).find((r) => r.invocationId === ran.headers["x-fascia-invocation-id"]);
    expect(record).toMatchObject({
      trigger: "schedule",
      callerId: "scheduler@proj.iam.gserviceaccount.com",
      callerRoles: ["scheduler"],
      rowsChanged: [{ entity: "Reservation", id, action: "transition" }],
    });
  });

  it("a stay starting on a day already over everywhere is 422 DATE_IN_PAST; today in the latest time zone (UTC-12) is bookable", async () => {
    const other = await h.seedRoom("102", { capacity: 2, nightlyRate: "80.00" });
    const utcDate = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10);
    const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const book = async (key: string, startDate: string) =>
      h.server.inject({
        method: "POST",
        url: "/reservations",
        headers: { ...(await auth()), "idempotency-key": key },
        payload: { roomId: other, startDate, endDate: nextDay(startDate), guests: 1 },
      });
    const before = await h.count("reservation");
    // Two UTC days ago is over even in UTC-12; 2020 long since.
    for (const [key, startDate] of [
      ["past-1", utcDate(2 * 86_400_000)],
      ["past-2", "2020-01-01"],
    ] as const) {
      const refused = await book(key, startDate);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error).toMatchObject({
        code: "DATE_IN_PAST",
        message: "the stay cannot start on a day that is already over everywhere",
      });
    }
    expect(await h.count("reservation")).toBe(before);
    // A minute's margin, so a run that crosses midnight in UTC-12 books tomorrow there rather than fail.
    const today = await book("today-utc-12", utcDate(12 * 3_600_000 - 60_000));
    expect(today.statusCode).toBe(200);
    expect(today.json()).toMatchObject({ status: "pending", totalPrice: "80.00" });
  });
});
