/**
 * The per-node trace in the audit record (issue 16), on PostgreSQL and PGlite, through the
 * executor: the example's confirm and cancel — nodes ran, skipped by a branch, failed with their
 * attempts, not reached —, write row ids, after-commit effects queued; the shop's compensation, a
 * failed COMMIT, a retry scope and the deadline. No trace holds a pii value or any input value, and
 * a trace changed in a stored record breaks the chain for `fascia audit verify`.
 */
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import type { AuditBody } from "../../executor/audit/audit-chain";
import type { FlowTrace, TraceNode } from "../../executor/audit/flow-trace";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { describeEachDriver } from "../support/databases";
import { startHarness, type Harness } from "./support/harness";
import { clerkPost, startShop } from "./support/shop";

/** The record of the invocation that answered `response`. */
async function recordOf(h: Harness, response: { headers: Record<string, unknown> }): Promise<AuditBody & { trace: FlowTrace }> {
  const id = response.headers["x-fascia-invocation-id"];
  const record = (await h.audit()).find((r) => r.invocationId === id);
  if (!record?.trace) throw new Error(`no traced audit record for invocation ${String(id)}`);
  return record as AuditBody & { trace: FlowTrace };
}

/** Each node's state by id, in plan order. */
const states = (trace: FlowTrace) => Object.fromEntries(trace.n.map((n) => [n.id, n.s]));
const node = (trace: FlowTrace, id: string): TraceNode => trace.n.find((n) => n.id === id)!;

/** Every node that ran has its start offset and duration, within the invocation's. */
function expectTimed(record: AuditBody & { trace: FlowTrace }) {
  for (const n of record.trace.n) {
    if (n.s === "skipped" || n.s === "unreached") {
      expect(n.t).toBeUndefined();
      continue;
    }
    expect(n.t).toBeGreaterThanOrEqual(0);
    expect(n.d).toBeGreaterThanOrEqual(0);
    expect(n.t! + n.d!).toBeLessThanOrEqual(record.durationMs + 1);
  }
}

describeEachDriver("the per-node trace in the audit record: the example app", (driver) => {
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
  const NOTES = "ring twice, Ada's secret door code 4711";
  let night = 0;
  const book = async () => {
    night++;
    const start = `2037-0${1 + Math.floor(night / 28)}-${String(1 + (night % 28)).padStart(2, "0")}`;
    const end = `2037-0${1 + Math.floor((night + 1) / 28)}-${String(1 + ((night + 1) % 28)).padStart(2, "0")}`;
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...(await auth()), "idempotency-key": `trace-${driver}-${night}` },
      payload: { roomId: room, startDate: start, endDate: end, guests: 2, notes: NOTES },
    });
    expect(created.statusCode).toBe(200);
    return { response: created, id: created.json<{ id: string }>().id, start, end };
  };
  const post = async (url: string, payload?: Record<string, unknown>) =>
    h.server.inject({ method: "POST", url, headers: await auth(), ...(payload ? { payload } : {}) });

  it("registerCustomer: the write's row id, and neither the pii nor any other input value", async () => {
    const email = "grace.hopper@example.com";
    const phone = "+4915123456789";
    const registered = await h.server.inject({
      method: "POST",
      url: "/customers",
      headers: { authorization: `Bearer ${await h.token("desk-1", ["staff"])}` },
      payload: { name: "Grace Hopper", email, phone },
    });
    expect(registered.statusCode).toBe(200);
    const record = await recordOf(h, registered);
    const id = registered.json<{ id: string }>().id;
    expect(record.trace).toEqual({
      v: 1,
      n: [{ id: "customer", s: "ran", t: expect.any(Number), d: expect.any(Number), w: [id] }],
      x: [{ id: "tx", t: expect.any(Number), d: expect.any(Number), e: "commit" }],
    });
    const text = JSON.stringify(record.trace);
    for (const value of [email, phone, "Grace Hopper"]) expect(text).not.toContain(value);
    // The record masks the pii input as before; the trace adds nothing to it.
    expect(record.input).toEqual({ name: "Grace Hopper", email: "***", phone: "***" });
  });

  it("createReservation: every node ran, the row id, the confirmation mail queued in the outbox; no input value", async () => {
    const { response, id, start, end } = await book();
    const record = await recordOf(h, response);
    expect(states(record.trace)).toEqual({
      notPast: "ran",
      customer: "ran",
      room: "ran",
      roomActive: "ran",
      fits: "ran",
      price: "ran",
      create: "ran",
      sendConfirmation: "queued",
    });
    expect(node(record.trace, "create").w).toEqual([id]);
    expect(node(record.trace, "sendConfirmation").o).toBe(record.queued![0]!.outboxId);
    expectTimed(record);
    // Nodes in the order they ran: each starts no earlier than the one before.
    const starts = record.trace.n.map((n) => n.t!);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    const text = JSON.stringify(record.trace);
    for (const value of [NOTES, start, end, room, customer]) expect(text).not.toContain(value);
  });

  it("confirmReservation: the charge's attempts (one failed, one made) and the transition's row id", async () => {
    const { id } = await book();
    h.payments.failNext(1, 500);
    const confirmed = await post(`/reservations/${id}/confirm`);
    expect(confirmed.statusCode).toBe(200);
    const record = await recordOf(h, confirmed);
    expect(record.trace.n).toEqual([
      { id: "load", s: "ran", t: expect.any(Number), d: expect.any(Number) },
      { id: "owner", s: "ran", t: expect.any(Number), d: expect.any(Number) },
      { id: "mustBePending", s: "ran", t: expect.any(Number), d: expect.any(Number) },
      { id: "charge", s: "ran", t: expect.any(Number), d: expect.any(Number), a: 2 },
      { id: "confirm", s: "ran", t: expect.any(Number), d: expect.any(Number), w: [id] },
    ]);
    // The backoff before the second attempt (200 ms) is inside the charge's duration.
    expect(node(record.trace, "charge").d).toBeGreaterThanOrEqual(150);
    expect(record.trace.x).toEqual([{ id: "tx", t: expect.any(Number), d: expect.any(Number), e: "commit" }]);
    expectTimed(record);
    expect(JSON.stringify(record.trace)).not.toContain(customer);
  });

  it("confirmReservation, the provider down: the charge failed after its 3 attempts, the write not reached, rolled back", async () => {
    const { id } = await book();
    h.payments.failNext(3, 500);
    const failed = await post(`/reservations/${id}/confirm`);
    expect(failed.statusCode).toBe(502);
    const record = await recordOf(h, failed);
    expect(states(record.trace)).toEqual({ load: "ran", owner: "ran", mustBePending: "ran", charge: "failed", confirm: "unreached" });
    expect(node(record.trace, "charge")).toMatchObject({ a: 3, e: "UPSTREAM_FAILED" });
    expect(node(record.trace, "confirm")).toEqual({ id: "confirm", s: "unreached" });
    expect(record.trace.x).toEqual([{ id: "tx", t: expect.any(Number), d: expect.any(Number), e: "rollback" }]);
    expect(record.trace.c).toBeUndefined();
    expectTimed(record);
  });

  it("cancelReservation of a pending one: the refund branch skipped; of a confirmed one: the refund queued (outbox)", async () => {
    const pending = await book();
    const cancelled = await post(`/reservations/${pending.id}/cancel`, { reason: "changed my mind about Ada" });
    expect(cancelled.json()).toMatchObject({ status: "cancelled", refunded: false });
    const record = await recordOf(h, cancelled);
    expect(states(record.trace)).toEqual({
      load: "ran",
      owner: "ran",
      cancellable: "ran",
      wasPaid: "ran",
      refund: "skipped",
      cancel: "ran",
    });
    expect(node(record.trace, "refund")).toEqual({ id: "refund", s: "skipped" });
    expect(node(record.trace, "cancel").w).toEqual([pending.id]);
    expect(JSON.stringify(record.trace)).not.toContain("changed my mind");

    const paid = await book();
    expect((await post(`/reservations/${paid.id}/confirm`)).statusCode).toBe(200);
    const refunded = await post(`/reservations/${paid.id}/cancel`);
    expect(refunded.json()).toMatchObject({ status: "cancelled", refunded: true });
    const refundRecord = await recordOf(h, refunded);
    expect(states(refundRecord.trace)).toMatchObject({ wasPaid: "ran", refund: "queued", cancel: "ran" });
    expect(node(refundRecord.trace, "refund").o).toBe(refundRecord.queued![0]!.outboxId);
    await h.outboxSettled();
  });

  it("a failing assert: the node failed with its code, the rest not reached; a refusal before the flow: nothing reached", async () => {
    const { id } = await book();
    expect((await post(`/reservations/${id}/cancel`)).statusCode).toBe(200);
    const refused = await post(`/reservations/${id}/confirm`);
    expect(refused.statusCode).toBe(409);
    const record = await recordOf(h, refused);
    expect(states(record.trace)).toEqual({ load: "ran", owner: "ran", mustBePending: "failed", charge: "unreached", confirm: "unreached" });
    expect(node(record.trace, "mustBePending").e).toBe("NOT_PENDING");
    expect(record.trace.x).toEqual([{ id: "tx", t: expect.any(Number), d: expect.any(Number), e: "rollback" }]);

    const forbidden = await h.server.inject({
      method: "POST",
      url: `/reservations/${id}/confirm`,
      headers: { authorization: `Bearer ${await h.token(customer, ["guest"])}` },
    });
    expect(forbidden.statusCode).toBe(403);
    const none = await recordOf(h, forbidden);
    expect(none.trace).toEqual({
      v: 1,
      n: ["load", "owner", "mustBePending", "charge", "confirm"].map((n) => ({ id: n, s: "unreached" })),
    });
  });

  it("a replay's record carries no trace (its original has it); the chain verifies with every trace under it", async () => {
    const first = await h.server.inject({
      method: "POST",
      url: "/customers",
      headers: { authorization: `Bearer ${await h.token("desk-1", ["staff"])}`, "idempotency-key": "replay-me" },
      payload: { name: "Lin", email: "lin@example.com" },
    });
    const again = await h.server.inject({
      method: "POST",
      url: "/customers",
      headers: { authorization: `Bearer ${await h.token("desk-1", ["staff"])}`, "idempotency-key": "replay-me" },
      payload: { name: "Lin", email: "lin@example.com" },
    });
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const replay = (await h.audit()).find((r) => r.invocationId === again.headers["x-fascia-invocation-id"])!;
    expect(replay.trace).toBeUndefined();
    expect((await recordOf(h, first)).trace.n[0]!.s).toBe("ran");
    expect((await verifyAuditLog(h.test.db)).broken).toBeUndefined();
  });

  it("a trace changed in a stored record (a failed node made to look ran) is caught by fascia audit verify", async () => {
    const { rows } = await h.test.db.query<{ seq: string | number }>(
      `SELECT "seq" FROM "fascia_audit" WHERE "body"::text LIKE '%"s":"failed"%' ORDER BY "seq" LIMIT 1`,
    );
    const seq = Number(rows[0]!.seq);
    const errors: string[] = [];
    const io: CliIO = { out: () => undefined, err: (text) => void errors.push(text), isTTY: false };
    await h.test.db.session(async (conn) => {
      await conn.query("BEGIN");
      try {
        await conn.query(`ALTER TABLE "fascia_audit" DISABLE TRIGGER USER`);
        await conn.query(`UPDATE "fascia_audit" SET "body" = replace("body"::text, '"s":"failed"', '"s":"ran"')::json WHERE "seq" = $1`, [
          seq,
        ]);
        await conn.query(`ALTER TABLE "fascia_audit" ENABLE TRIGGER USER`);
        await conn.query("COMMIT");
      } catch (error) {
        await conn.query("ROLLBACK");
        throw error;
      }
    });
    expect((await verifyAuditLog(h.test.db)).broken).toMatchObject({ seq, reason: expect.stringContaining("does not match its hash") });
    // The command opens the database by URL: an in-memory PGlite is this process's own, so PostgreSQL only.
    if (driver !== "pg") return;
    expect(await runCli(["audit", "verify", "--db", h.test.url], io)).toBe(1);
    expect(errors.join("\n")).toContain(`#${seq}`);
  });
});

describeEachDriver("the per-node trace in the audit record: compensations, a failed commit, retry scopes, the deadline", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startShop(driver);
    // A check only the COMMIT runs (a deferred constraint trigger): an order for "doomed" fails at commit.
    await h.test.db.exec(`
      CREATE FUNCTION doomed_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.item = 'doomed' THEN RAISE EXCEPTION 'refused at commit'; END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER doomed_at_commit AFTER INSERT ON "order" DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION doomed_at_commit();`);
  }, 60_000);
  afterAll(() => h?.close());
  const post = clerkPost(() => h);

  it("a write refused after the charge: the write failed, rolled back, the refund ran (compensation) with its time", async () => {
    expect((await post("/orders/paid", { item: "chair", amount: 500 })).statusCode).toBe(200);
    const duplicate = await post("/orders/paid", { item: "chair", amount: 700 });
    expect(duplicate.statusCode).toBe(409);
    const record = await recordOf(h, duplicate);
    expect(states(record.trace)).toEqual({ charge: "ran", record: "failed" });
    expect(node(record.trace, "record").e).toBe("CONFLICT");
    expect(record.trace.x).toEqual([{ id: "tx", t: expect.any(Number), d: expect.any(Number), e: "rollback" }]);
    expect(record.trace.c).toEqual([{ n: "charge", ok: true, t: expect.any(Number), d: expect.any(Number) }]);
    // After the rollback (whole milliseconds: one of rounding either way).
    expect(record.trace.c![0]!.t).toBeGreaterThanOrEqual(record.trace.x![0]!.t + record.trace.x![0]!.d - 1);
  });

  it("a failed COMMIT: the transaction says commitFailed, its nodes ran, the charge refunded", async () => {
    const doomed = await post("/orders/paid", { item: "doomed", amount: 300 });
    expect(doomed.statusCode).toBeGreaterThanOrEqual(400);
    const record = await recordOf(h, doomed);
    expect(states(record.trace)).toEqual({ charge: "ran", record: "ran" });
    expect(record.trace.x).toEqual([{ id: "tx", t: expect.any(Number), d: expect.any(Number), e: "commitFailed" }]);
    expect(record.trace.c).toEqual([{ n: "charge", ok: true, t: expect.any(Number), d: expect.any(Number) }]);
    expect(await h.snapshot().then((s) => s.order!.filter((o) => (o as { item: string }).item === "doomed"))).toEqual([]);
  });

  it("a retry scope: its attempts, the node's attempts, the other branch skipped", async () => {
    h.ops.answer.push(503, 503);
    const retried = await post("/notify", { item: "loud-trace", loud: true });
    expect(retried.statusCode).toBe(200);
    const record = await recordOf(h, retried);
    expect(states(record.trace)).toEqual({ check: "ran", ping: "ran", quiet: "skipped", record: "ran" });
    expect(node(record.trace, "ping").a).toBe(3);
    expect(record.trace.r).toEqual([{ id: "again", a: 3 }]);
  });

  (driver === "pg" ? it : it.skip)("the deadline: the node running at it failed with DEADLINE_EXCEEDED", async () => {
    const response = await post("/reports/slow", {});
    expect(response.statusCode).toBe(504);
    const record = await recordOf(h, response);
    expect(node(record.trace, "report")).toMatchObject({ s: "failed", e: "DEADLINE_EXCEEDED" });
    expect(node(record.trace, "report").d).toBeGreaterThanOrEqual(250);
    expect(record.trace.x!.at(-1)).toMatchObject({ e: "rollback" });
  });
});
