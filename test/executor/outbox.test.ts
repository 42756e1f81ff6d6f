/**
 * The outbox: effects that cannot be undone (a refund, mail, an http POST) are stored with the
 * commit they wait for and made after it, by any instance, after a restart too; what keeps
 * failing is visible and retryable. Real PostgreSQL and PGlite, the local payments server, SMTP
 * and the ops endpoint on loopback.
 */
import type { LightMyRequestResponse } from "fastify";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { listOutbox, retryFailed } from "../../executor/outbox/outbox-store";
import { describeEachDriver } from "../support/databases";
import { startHarness, type Harness } from "./support/harness";

describeEachDriver("the outbox", (driver) => {
  let h: Harness;
  let headers: Record<string, string>;
  let room: string;
  let day = 0;
  beforeAll(async () => {
    h = await startHarness(driver);
    const customer = await h.seedCustomer("Ada");
    headers = { authorization: `Bearer ${await h.token(customer, ["customer"])}` };
    room = await h.seedRoom("301", { nightlyRate: "100.00" });
  }, 60_000);
  afterAll(() => h?.close());

  /** A confirmed booking of one night (a charge of 10000), on dates of its own. */
  async function confirmed(): Promise<string> {
    day++;
    const start = `2036-03-${String(day).padStart(2, "0")}`;
    const end = `2036-03-${String(day + 1).padStart(2, "0")}`;
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...headers, "idempotency-key": `outbox-${driver}-${day}` },
      payload: { roomId: room, startDate: start, endDate: end, guests: 1 },
    });
    expect(created.statusCode).toBe(200);
    const id = created.json<{ id: string }>().id;
    expect((await h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers })).statusCode).toBe(200);
    await h.outboxSettled();
    return id;
  }
  const cancel = (id: string, server = h.server): Promise<LightMyRequestResponse> =>
    server.inject({ method: "POST", url: `/reservations/${id}/cancel`, headers, payload: {} });
  const refundsOf = (id: string) => h.payments.refunds().filter((r) => r.paymentIntent === paymentOf.get(id));
  const paymentOf = new Map<string, string>();
  const remember = async (id: string) => {
    const row = (await h.rows("reservation")).find((r) => r.id === id)!;
    paymentOf.set(id, String(row.payment_id));
  };

  it("a refund waits for the cancellation's commit, then is made once, with a key derived from its row", async () => {
    const id = await confirmed();
    await remember(id);
    const cancelled = await cancel(id);
    expect(cancelled.json()).toEqual({ id, status: "cancelled", refunded: true });
    const rows = await h.outboxSettled();
    expect(refundsOf(id)).toHaveLength(1);
    const [refund] = refundsOf(id);
    const entry = rows.find((r) => `fascia_${String(r.id).replace(/-/g, "")}` === refund!.idempotencyKey)!;
    expect(entry).toMatchObject({
      tool: "cancelReservation",
      node: "refund",
      kind: "refund",
      state: "done",
      attempts: 1,
      last_error: null,
    });
    expect(refund).toMatchObject({ amount: 10000 });
  });

  it("a confirmation's charge is guarded before it is sent, and its commit retires the guard (PostgreSQL)", async () => {
    if (driver !== "pg") return; // PGlite has one connection: no side pool, no guards
    const id = await confirmed();
    await remember(id);
    const { rows } = await h.test.db.query<{ state: string; result: unknown; request: unknown }>(
      `SELECT "state", "result", "request" FROM "fascia_outbox" WHERE "kind" = 'refundCharge' ORDER BY "created_at" DESC LIMIT 1`,
    );
    const guard = rows[0]!;
    const request = (typeof guard.request === "string" ? JSON.parse(guard.request) : guard.request) as {
      charge: { amount: number };
      refundKey: string;
    };
    expect(request.charge.amount).toBe(10000);
    // Retired by a marker its commit inserted (an UPDATE could miss it under a repeatable-read snapshot).
    const { rows: voids } = await h.test.db.query(
      `SELECT "request"->>'why' AS "why" FROM "fascia_outbox" WHERE "kind" = 'guardVoid' AND "request"->>'refundKey' = $1`,
      [request.refundKey],
    );
    expect(voids).toEqual([{ why: "committed" }]);
  });

  it("a failing payments API: retried with the node's backoff, delivered on the third attempt, each attempt counted", async () => {
    const id = await confirmed();
    await remember(id);
    h.payments.failNext(2, 503);
    expect((await cancel(id)).statusCode).toBe(200);
    const rows = await h.outboxSettled();
    const entry = rows.find((r) => r.invocation_id !== undefined && r.node === "refund" && r.attempts === 3)!;
    expect(entry).toMatchObject({ state: "done", attempts: 3 });
    expect(refundsOf(id)).toHaveLength(1);
    const delivery = (await h.deliveries()).find((d) => d.delivery?.outboxId === entry.id)!;
    expect(delivery).toMatchObject({ outcome: { status: 200 }, delivery: { attempts: 3 } });
  });

  it("what keeps failing is failed, listed by `fascia outbox list` (exit 1), and delivered after `fascia outbox retry`", async () => {
    const id = await confirmed();
    await remember(id);
    h.payments.failNext(3, 503); // the refund node's maxAttempts is 3
    expect((await cancel(id)).statusCode).toBe(200);
    const rows = await h.outboxSettled();
    const failed = rows.find((r) => r.state === "failed")!;
    expect(failed).toMatchObject({ node: "refund", attempts: 3 });
    expect(String(failed.last_error)).toMatch(/503/);
    expect(refundsOf(id)).toHaveLength(0);
    const record = (await h.deliveries()).find((d) => d.delivery?.outboxId === failed.id)!;
    expect(record).toMatchObject({ outcome: { status: 502, code: "UPSTREAM_FAILED" }, delivery: { attempts: 3 } });

    // The CLI opens the database itself: PostgreSQL's; an embedded PGlite has one user at a time, so there the same store calls.
    if (driver === "pg") {
      const listed = await cli(["outbox", "list", "--db", h.test.url, "--state", "failed"]);
      expect(listed.code).toBe(1);
      expect(listed.out).toContain(`${failed.id}  failed   cancelReservation.refund (refund), 3 attempt(s)`);
      const retried = await cli(["outbox", "retry", "--db", h.test.url, String(failed.id)]);
      expect(retried).toMatchObject({ code: 0, out: "1 failed entry is due again.\n" });
    } else {
      expect((await listOutbox(h.test.db, "failed", 10)).map((r) => r.id)).toContain(failed.id);
      expect(await retryFailed(h.test.db, [String(failed.id)])).toBe(1);
    }
    h.server.executor.outbox?.poke();
    const after = await h.outboxSettled();
    expect(after.find((r) => r.id === failed.id)).toMatchObject({ state: "done", attempts: 1 });
    expect(refundsOf(id)).toHaveLength(1);
    if (driver === "pg") expect((await cli(["outbox", "list", "--db", h.test.url, "--state", "failed"])).code).toBe(0);
  });

  it("left pending by an instance that stopped, delivered by the next one; two instances deliver each entry once", async () => {
    // An instance that never drains (as one that died right after the commit).
    const silent = await h.anotherInstance({ outbox: false });
    const ids = [await confirmed(), await confirmed(), await confirmed()];
    for (const id of ids) await remember(id);
    h.payments.stallNext(3, 200); // slow refunds, so both drainers overlap
    for (const id of ids) expect((await cancel(id, silent)).statusCode).toBe(200);
    await silent.close();
    const second = await h.anotherInstance();
    h.server.executor.outbox?.poke();
    second.executor.outbox?.poke();
    await h.outboxSettled();
    for (const id of ids) expect(refundsOf(id)).toHaveLength(1);
    await second.close();
    expect((await verifyAuditLog(h.test.db)).broken).toBeUndefined();
  });

  it("an after-commit http header that reads a secret is evaluated at delivery, never stored", async () => {
    const before = h.ops.received.length;
    const ran = await h.server.inject({
      method: "POST",
      url: "/_fascia/scheduled/completeStays",
      headers: { authorization: `Bearer ${await h.schedulerToken()}`, "x-cloudscheduler-scheduletime": "2036-01-01T02:00:00Z" },
    });
    expect(ran.statusCode).toBe(200);
    const rows = await h.outboxSettled();
    const entry = rows.find((r) => r.node === "notifyOps")!;
    expect(JSON.stringify(entry.request)).not.toContain("ops-token");
    expect(JSON.stringify(entry.request)).toContain("secrets.OPS_WEBHOOK_TOKEN");
    expect(h.ops.received.slice(before)[0]!.headers.authorization).toBe("Bearer ops-token");
  });
});

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), isTTY: false };
  const code = await runCli(argv, io);
  return { code, out, err };
}
