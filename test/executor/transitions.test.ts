/**
 * "A transition is a listed transition, always": a `write` with `action: transition` into the
 * state the row is already in is refused like any unlisted transition (422 INVALID_TRANSITION,
 * naming entity, from and to), even when the flow has no `assert` of its own — so its side effects
 * cannot run twice, and of many identical transitions racing on one row exactly one succeeds.
 * The app is the example with cancelReservation stripped of its `cancellable` assert: only the
 * transition checks then stand between a second cancel and a second 200. There are two of them,
 * each enough on its own: the write node's UPDATE admits only the states listed into the target,
 * and the database's guard refuses an UPDATE that names the status with the value it has (one
 * test drops that trigger, as on a database deployed before it, to show the first alone). More
 * tools show the other paths: the read outside the transaction (the plan's version check), the
 * bare transition with no read or lock before it, and a transition of many rows, which only the
 * guard judges (all or nothing).
 */
import type { LightMyRequestResponse } from "fastify";
import { createStatusTrigger } from "../../compiler/schema/ddl";
import { tableByEntity } from "../../compiler/schema/model";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { describeEachDriver, testDrivers } from "../support/databases";
import { exampleObjects, manifestOf, startHarness, type Harness } from "./support/harness";

type Node = { id: string; nodes?: string[] };
type Edge = { from: string; to: string; when?: unknown };

/** The example app whose cancelReservation goes owner → wasPaid with no status assert between. */
function withoutCancellableAssert(opsUrl: string) {
  const objects: Record<string, unknown>[] = exampleObjects(opsUrl);
  const cancel = objects.find((o) => o.kind === "Tool" && o.name === "cancelReservation")! as unknown as {
    flow: { nodes: Node[]; edges: Edge[] };
  };
  cancel.flow.nodes = cancel.flow.nodes.filter((n) => n.id !== "cancellable");
  for (const n of cancel.flow.nodes) if (n.nodes) n.nodes = n.nodes.filter((id) => id !== "cancellable");
  cancel.flow.edges = cancel.flow.edges
    .filter((e) => e.to !== "cancellable")
    .map((e) => (e.from === "cancellable" ? { ...e, from: "owner" } : e));
  // The same cancel with its read outside the transaction: the plan then checks the version read
  // instead of locking the row, and the write must still tell a wrong state from a moved version.
  objects.push({
    kind: "Tool",
    name: "cancelOptimistic",
    trigger: { http: { method: "POST", path: "/reservations/{reservationId}/cancel-optimistic" } },
    input: { reservationId: { type: "uuid" } },
    auth: { roles: ["customer"] },
    timeout: "5s",
    output: "{'id': nodes.cancel.id, 'status': nodes.cancel.status}",
    flow: {
      nodes: [
        { id: "load", type: "read", entity: "Reservation", where: { id: "input.reservationId" }, one: true },
        { id: "cancel", type: "write", entity: "Reservation", action: "transition", where: { id: "nodes.load.id" }, to: "cancelled" },
        { id: "tx", type: "transaction", nodes: ["cancel"] },
      ],
      edges: [{ from: "load", to: "cancel" }],
    },
  });
  // The bare transition, no read and no lock before it: only the UPDATE itself decides a race.
  objects.push({
    kind: "Tool",
    name: "cancelDirect",
    trigger: { http: { method: "POST", path: "/reservations/{reservationId}/cancel-direct" } },
    input: { reservationId: { type: "uuid" } },
    auth: { roles: ["customer"] },
    timeout: "5s",
    output: "{'id': nodes.cancel.id, 'status': nodes.cancel.status}",
    flow: {
      nodes: [
        { id: "cancel", type: "write", entity: "Reservation", action: "transition", where: { id: "input.reservationId" }, to: "cancelled" },
        { id: "tx", type: "transaction", nodes: ["cancel"] },
      ],
    },
  });
  // A transition of every row that matches (no unique key in the where): one statement, all or nothing.
  objects.push({
    kind: "Tool",
    name: "cancelAllOfCustomer",
    trigger: { http: { method: "POST", path: "/customers/{customerId}/cancel-all" } },
    input: { customerId: { type: "uuid" } },
    auth: { roles: ["customer"] },
    timeout: "5s",
    output: "{'cancelled': size(nodes.cancelAll)}",
    flow: {
      nodes: [
        {
          id: "cancelAll",
          type: "write",
          entity: "Reservation",
          action: "transition",
          where: { customer: "input.customerId" },
          to: "cancelled",
        },
        { id: "tx", type: "transaction", nodes: ["cancelAll"] },
      ],
    },
  });
  return manifestOf(objects, "examples/reservations without cancellable");
}

/** A reservation confirmed through the app (so it has a real charge to refund); returns its id. */
async function confirmedReservation(h: Harness, headers: Record<string, string>, startDate: string, endDate: string): Promise<string> {
  const room = await h.seedRoom(startDate.slice(5), { capacity: 2, nightlyRate: "80.00" });
  const created = await h.server.inject({
    method: "POST",
    url: "/reservations",
    headers: { ...headers, "idempotency-key": `book-${startDate}` },
    payload: { roomId: room, startDate, endDate, guests: 1 },
  });
  expect(created.statusCode).toBe(200);
  const id = created.json<{ id: string }>().id;
  const confirmed = await h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers });
  expect(confirmed.json()).toEqual({ id, status: "confirmed" });
  return id;
}

const REFUSAL = {
  code: "INVALID_TRANSITION",
  message: "Reservation: no transition from cancelled to cancelled",
  details: [
    {
      message: "Reservation: no transition from cancelled to cancelled",
      node: "cancel",
      entity: "Reservation",
      rule: "status status: transitions",
    },
  ],
};

describeEachDriver("a transition into the row's own state is refused unless listed", (driver) => {
  let h: Harness;
  let headers: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness(driver, { manifest: withoutCancellableAssert });
    const customer = await h.seedCustomer("Ada");
    headers = { authorization: `Bearer ${await h.token(customer, ["customer"])}` };
  }, 60_000);
  afterAll(() => h?.close());

  const cancel = (id: string): Promise<LightMyRequestResponse> =>
    h.server.inject({ method: "POST", url: `/reservations/${id}/cancel`, headers, payload: {} });

  it("cancelling twice: the first refunds and answers 200, the second is 422 and changes nothing", async () => {
    const id = await confirmedReservation(h, headers, "2036-05-01", "2036-05-03");
    const first = await cancel(id);
    expect(first.json()).toEqual({ id, status: "cancelled", refunded: true });
    await h.outboxSettled();
    expect(h.payments.refunds()).toHaveLength(1);

    const before = await h.snapshot();
    const audited = (await h.audit()).length;
    const second = await cancel(id);
    expect(second.statusCode).toBe(422);
    expect(second.json().error).toEqual(REFUSAL);
    expect(await h.snapshot()).toEqual(before);
    expect(h.payments.refunds()).toHaveLength(1);
    // The refusal is audited like any failure: no rows changed, on the unbroken chain.
    const records = await h.audit();
    expect(records).toHaveLength(audited + 1);
    expect(records.at(-1)).toMatchObject({
      tool: "cancelReservation",
      outcome: { status: 422, code: "INVALID_TRANSITION" },
      rowsChanged: [],
    });
    expect((await verifyAuditLog(h.test.db)).broken).toBeUndefined();
  });

  it("a listed transition still passes, and a write on a row that does not exist is still 404", async () => {
    const room = await h.seedRoom("p1", { capacity: 2, nightlyRate: "80.00" });
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...headers, "idempotency-key": "book-pending" },
      payload: { roomId: room, startDate: "2036-06-01", endDate: "2036-06-02", guests: 1 },
    });
    const id = created.json<{ id: string }>().id;
    expect((await cancel(id)).json()).toEqual({ id, status: "cancelled", refunded: false });
    expect((await cancel(id)).json().error.code).toBe("INVALID_TRANSITION");
    // The read before the write answers 404 first: the row is gone, not in a wrong state.
    const missing = await cancel("00000000-0000-4000-8000-000000000000");
    expect({ status: missing.statusCode, code: missing.json().error.code }).toEqual({ status: 404, code: "NOT_FOUND" });
  });

  it("a transition of many rows is refused as a whole when one of them is already in the target state (the guard)", async () => {
    const customer = await h.seedCustomer("Cy");
    const token = { authorization: `Bearer ${await h.token(customer, ["customer"])}` };
    const room = await h.seedRoom("m1", { capacity: 2, nightlyRate: "80.00" });
    const book = (startDate: string, endDate: string) =>
      h.server.inject({
        method: "POST",
        url: "/reservations",
        headers: { ...token, "idempotency-key": `many-${startDate}` },
        payload: { roomId: room, startDate, endDate, guests: 1 },
      });
    const ids = [
      (await book("2036-09-01", "2036-09-02")).json<{ id: string }>().id,
      (await book("2036-09-05", "2036-09-06")).json<{ id: string }>().id,
    ];
    const cancelAll = () => h.server.inject({ method: "POST", url: `/customers/${customer}/cancel-all`, headers: token, payload: {} });
    expect((await h.server.inject({ method: "POST", url: `/reservations/${ids[0]}/cancel`, headers: token, payload: {} })).statusCode).toBe(
      200,
    );
    const before = await h.snapshot();
    const refused = await cancelAll();
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: "INVALID_TRANSITION",
      message: "Reservation: no transition from cancelled to cancelled",
      details: [{ node: "cancelAll", rule: "status status: transitions" }],
    });
    expect(await h.snapshot()).toEqual(before);
  });

  it("on a database whose guard predates the status trigger, the executor's own check still refuses", async () => {
    const table = tableByEntity(h.server.executor.app.manifest.schema, "Reservation")!;
    await h.test.db.query(`DROP TRIGGER "fascia_guard_status" ON "reservation"`);
    try {
      const id = await confirmedReservation(h, headers, "2036-11-01", "2036-11-02");
      expect((await cancel(id)).statusCode).toBe(200);
      // The database alone no longer sees a self-transition ...
      await h.test.db.query(`UPDATE "reservation" SET "status" = 'cancelled' WHERE "id" = $1`, [id]);
      // ... the write node's UPDATE admits only the states listed into `cancelled`.
      const before = await h.snapshot();
      const second = await cancel(id);
      expect({ status: second.statusCode, error: second.json().error }).toEqual({ status: 422, error: REFUSAL });
      expect(await h.snapshot()).toEqual(before);
    } finally {
      for (const sql of createStatusTrigger(table.name, table.guard)) await h.test.db.query(sql);
    }
  });

  it("with the plan's version check instead of a lock: a wrong state at the version read is 422, not 409", async () => {
    expect(h.server.executor.app.tools.get("cancelOptimistic")?.plan.nodes.cancel?.versionCheck).toMatchObject({ node: "load" });
    const id = await confirmedReservation(h, headers, "2036-08-01", "2036-08-02");
    const optimistic = () => h.server.inject({ method: "POST", url: `/reservations/${id}/cancel-optimistic`, headers, payload: {} });
    expect((await optimistic()).json()).toEqual({ id, status: "cancelled" });
    const before = await h.snapshot();
    const again = await optimistic();
    expect(again.statusCode).toBe(422);
    expect(again.json().error).toEqual(REFUSAL);
    expect(await h.snapshot()).toEqual(before);
  });
});

// PGlite is one connection: invocations there never race.
(testDrivers().includes("pg") ? describe : describe.skip)("50 concurrent cancels of one confirmed reservation [pg]", () => {
  const POOL = 20;
  let h: Harness;
  let headers: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness("pg", { manifest: withoutCancellableAssert, poolSize: POOL });
    const customer = await h.seedCustomer("Bea");
    headers = { authorization: `Bearer ${await h.token(customer, ["customer"])}` };
    // Open the whole pool first, so the racers start at full width.
    await Promise.all(Array.from({ length: POOL }, () => h.server.executor.db.session((conn) => conn.query("SELECT pg_sleep(0.05)"))));
  }, 60_000);
  afterAll(() => h?.close());

  it("exactly one 200 with one refund; the other 49 are 422 INVALID_TRANSITION", async () => {
    const id = await confirmedReservation(h, headers, "2036-07-01", "2036-07-04");
    const charge = h.payments.charges().at(-1)!;
    const audited = (await h.audit()).length;

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => h.server.inject({ method: "POST", url: `/reservations/${id}/cancel`, headers, payload: {} })),
    );

    const counts = answers.reduce<Record<string, number>>((acc, a) => {
      const key = `${a.statusCode} ${a.json().error?.code ?? ""}`.trim();
      return { ...acc, [key]: (acc[key] ?? 0) + 1 };
    }, {});
    expect(counts).toEqual({ "200": 1, "422 INVALID_TRANSITION": 49 });
    expect(answers.find((a) => a.statusCode === 200)!.json()).toEqual({ id, status: "cancelled", refunded: true });
    for (const a of answers.filter((x) => x.statusCode !== 200)) expect(a.json().error).toEqual(REFUSAL);
    await h.outboxSettled();
    expect(h.payments.refunds()).toMatchObject([{ paymentIntent: charge.id }]);
    // Confirmed (2), cancelled once (3): no racer wrote the row again.
    expect((await h.rows("reservation")).find((r) => r.id === id)).toMatchObject({ status: "cancelled", version: 3 });
    expect((await h.audit()).length - audited).toBe(50);
    expect((await verifyAuditLog(h.test.db)).broken).toBeUndefined();
  });

  it("with no read and no lock before the transition, the UPDATE alone lets exactly one of 50 through", async () => {
    const id = await confirmedReservation(h, headers, "2036-10-01", "2036-10-03");
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => h.server.inject({ method: "POST", url: `/reservations/${id}/cancel-direct`, headers, payload: {} })),
    );
    expect(answers.filter((a) => a.statusCode === 200).map((a) => a.json())).toEqual([{ id, status: "cancelled" }]);
    for (const a of answers.filter((x) => x.statusCode !== 200))
      expect({ status: a.statusCode, error: a.json().error }).toEqual({
        status: 422,
        error: { ...REFUSAL, details: [{ ...REFUSAL.details[0], node: "cancel" }] },
      });
    expect((await h.rows("reservation")).find((r) => r.id === id)).toMatchObject({ status: "cancelled", version: 3 });
  });
});
