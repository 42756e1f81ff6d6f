/**
 * Step 8 and the flow's control structures, on PostgreSQL and PGlite, with a small shop app:
 * a payment failing after a DB write rolls the write back; a write refused after a charge makes
 * the executor refund it (the payments server sees the refund, the audit record lists it); a
 * status change outside the machine is 422; an `if` skips the branch not taken; a retry scope
 * inside a transaction re-runs its node from a savepoint.
 */
import { describeEachDriver } from "../support/databases";
import type { Harness } from "./support/harness";
import { clerkPost, startShop } from "./support/shop";

describeEachDriver("compensations and flow control", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startShop(driver);
  }, 60_000);
  afterAll(() => h?.close());

  const post = clerkPost(() => h);

  it("a payment failing after the DB write: 502, the write rolled back, nothing charged", async () => {
    h.payments.failNext(2, 500);
    const before = await h.snapshot();
    const response = await post("/orders", { item: "lamp", amount: 1200 }, "lamp-1");
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ code: "UPSTREAM_FAILED", details: [{ node: "charge", failure: "unavailable" }] });
    expect(await h.snapshot()).toEqual(before);
    expect(h.payments.charges()).toHaveLength(0);
    // The key was freed: the same request succeeds once the provider is back.
    const retried = await post("/orders", { item: "lamp", amount: 1200 }, "lamp-1");
    expect(retried.statusCode).toBe(200);
    expect(await h.count("order")).toBe(1);
    expect(h.payments.charges()).toHaveLength(1);
  });

  it("a declined card is 402 and writes nothing", async () => {
    h.payments.failNext(1, 402);
    const before = await h.snapshot();
    const response = await post("/orders", { item: "desk", amount: 9000 });
    expect(response.statusCode).toBe(402);
    expect(response.json().error).toMatchObject({
      code: "PAYMENT_DECLINED",
      details: [{ node: "charge", declineCode: "generic_decline" }],
    });
    expect(await h.snapshot()).toEqual(before);
  });

  it("a write refused after the charge: 409, and the charge is refunded, newest first, and audited", async () => {
    const first = await post("/orders/paid", { item: "chair", amount: 500 });
    expect(first.statusCode).toBe(200);
    const charges = h.payments.charges().length;
    const before = await h.snapshot();
    const duplicate = await post("/orders/paid", { item: "chair", amount: 700 }, "chair-2");
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.details[0]).toMatchObject({ rule: "field item: unique", entity: "Order", node: "record" });
    const newCharge = h.payments.charges()[charges]!;
    expect(newCharge.amount).toBe(700);
    expect(h.payments.refunds()).toMatchObject([{ paymentIntent: newCharge.id, amount: 700 }]);
    const record = (await h.audit()).find((r) => r.invocationId === duplicate.headers["x-fascia-invocation-id"]);
    expect(record).toMatchObject({
      outcome: { status: 409, code: "CONFLICT" },
      rowsChanged: [],
      effects: [{ node: "charge", kind: "charge", id: newCharge.id }],
      compensations: [{ node: "charge", kind: "refund", ok: true }],
    });
    // App rows unchanged; the key stays (generation counted up) so a retry gets a fresh payment key.
    const after = await h.snapshot();
    expect(after.order).toEqual(before.order);
    expect(after.fascia_idempotency).toContainEqual({
      tool: "chargeThenRecord",
      caller_id: "clerk-1",
      key: "chair-2",
      state: "failed",
      response_status: null,
    });
    const retried = await post("/orders/paid", { item: "stool", amount: 700 }, "chair-2");
    expect(retried.statusCode).toBe(200);
    expect(retried.json<{ payment: string }>().payment).not.toBe(newCharge.id);
  });

  it("a status change the machine does not list is 422 naming the transitions rule", async () => {
    const created = await post("/orders", { item: "vase", amount: 100 });
    const id = created.json<{ id: string }>().id;
    const before = await h.snapshot();
    const shipped = await post(`/orders/${id}/ship`, {});
    expect(shipped.statusCode).toBe(422);
    expect(shipped.json().error).toMatchObject({
      code: "INVALID_TRANSITION",
      message: "Order: no transition from open to shipped",
      details: [{ rule: "status status: transitions", node: "ship" }],
    });
    expect(await h.snapshot()).toEqual(before);
  });

  it("an if runs one branch and the join after it either way", async () => {
    const calls = h.ops.received.length;
    const quiet = await post("/notify", { item: "quiet-1", loud: false });
    expect(quiet.json()).toMatchObject({ loud: false, status: 0 });
    expect(h.ops.received).toHaveLength(calls);
    const loud = await post("/notify", { item: "loud-1", loud: true });
    expect(loud.json()).toMatchObject({ loud: true, status: 200 });
    expect(h.ops.received).toHaveLength(calls + 1);
  });

  it("a retry scope inside a transaction retries its node from a savepoint, then gives up with the node's error", async () => {
    const calls = h.ops.received.length;
    h.ops.answer.push(503, 503);
    const retried = await post("/notify", { item: "loud-2", loud: true });
    expect(retried.statusCode).toBe(200);
    expect(h.ops.received).toHaveLength(calls + 3);
    h.ops.answer.push(503, 503, 503);
    const before = await h.snapshot();
    const failed = await post("/notify", { item: "loud-3", loud: true });
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error.details[0]).toMatchObject({ node: "ping", failure: "unavailable" });
    expect(await h.snapshot()).toEqual(before);
  });

  (driver === "pg" ? it : it.skip)("the deadline reaches into the database: a statement still running is cancelled (504)", async () => {
    const response = await post("/reports/slow", {});
    expect(response.statusCode).toBe(504);
    expect(response.json().error).toMatchObject({
      code: "DEADLINE_EXCEEDED",
      details: [{ node: "report", message: "the database statement was cancelled at the deadline" }],
    });
    const { rows } = await h.test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' AND state = 'active'`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});
