/**
 * Issue 12's fault-injection property, on real PostgreSQL: random confirm/cancel sequences over a
 * few reservations, with and without Idempotency-Keys, while a loopback proxy cuts the executor's
 * database connection at random statements, the payments stand-in fails, and the executor is
 * killed and restarted. An instance runs behind two proxies of its own (database, payments):
 * killing it closes both, so from the outside it is gone at once — nothing it still has in memory
 * reaches the database or the payments API again, as after SIGKILL. After the outbox drains (the
 * compensation guards of killed invocations came due; entries that failed for good retried, as an
 * operator would with `fascia outbox retry`), for every reservation charges − refunds
 * is what its final status implies, to the cent; and no answer said "nothing was committed" for
 * an invocation whose commit landed.
 */
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { openPg, preparedStatementName } from "../../database/pg-driver";
import { auditAppend } from "../../executor/store/audit-store";
import type { Database } from "../../database/types";
import type { ExecutorServer } from "../../executor/server/build-server";
import { retryFailed } from "../../executor/outbox/outbox-store";
import { testDrivers } from "../support/databases";
import { startTcpProxy, throughProxy, type TcpProxy } from "../support/tcp-proxy";
import "../support/fast-check-seed";
import { startHarness, type Harness } from "./support/harness";

interface Instance {
  server: ExecutorServer;
  dbProxy: TcpProxy;
  paymentsProxy: TcpProxy;
  pools: Database[];
}

type Fault = "none" | "cutDb" | "failPayments" | "kill";
interface Step {
  reservation: number;
  action: "confirm" | "cancel";
  keyed: boolean;
  fault: Fault;
  /** cutDb: which statement the cut hits; kill: how long after the request the instance dies. */
  at: number;
}

const RESERVATIONS = 3;
/** Reservation i books i + 1 nights at 100.00: its charge is (i + 1) × 10000 cents, one amount per reservation. */
const centsOf = (i: number) => (i + 1) * 10_000;
// The audit append is a prepared statement: after a connection's first one, only its name travels.
const AUDIT_APPEND = preparedStatementName(
  auditAppend({
    invocationId: "",
    at: new Date(0).toISOString(),
    tool: "",
    trigger: "http",
    callerId: null,
    callerRoles: [],
    input: {},
    inputDigest: "",
    rowsChanged: [],
    effects: [],
    compensations: [],
    outcome: { status: 200 },
    durationMs: 0,
  }).text,
);
const CUT_POINTS = [/BEGIN/, /FOR UPDATE/, /UPDATE "reservation"/, /COMMIT/, new RegExp(`fascia_audit|${AUDIT_APPEND}`)];

(testDrivers().includes("pg") ? describe : describe.skip)("effects agree with what committed, under faults [pg]", () => {
  let h: Harness;
  let customer: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness("pg", { server: { outbox: false } });
    customer = await h.seedCustomer("Grace");
    auth = { authorization: `Bearer ${await h.token(customer, ["customer"], { expiresIn: "30m" })}` };
  }, 60_000);
  afterAll(() => h?.close());

  async function startInstance(): Promise<Instance> {
    const url = new URL(h.test.url);
    const dbProxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
    const payments = new URL(h.payments.url);
    const paymentsProxy = await startTcpProxy({ host: payments.hostname, port: Number(payments.port) });
    const db = openPg(throughProxy(h.test.url, dbProxy), { max: 4 });
    const sideDb = openPg(throughProxy(h.test.url, dbProxy), { max: 2 });
    const server = await h.anotherInstance({
      db,
      sideDb,
      payments: { baseUrl: `http://127.0.0.1:${paymentsProxy.port}` },
      // Short leases, so what a killed instance held is delivered within the test.
      outbox: { pollMs: 50, batch: 10, leaseMarginMs: 300 },
      leaseMarginMs: 200,
      // Short, so a killed invocation's guard comes due within the test, yet past the longest a step
      // here can still run (a lost COMMIT is settled within 5 s): a guard assumes its invocation is over.
      guardDelayMs: 8_000,
    });
    return { server, dbProxy, paymentsProxy, pools: [db, sideDb] };
  }

  /** SIGKILL from the outside's point of view: its connections and listeners vanish at once. */
  async function kill(instance: Instance): Promise<void> {
    await Promise.all([instance.dbProxy.close(), instance.paymentsProxy.close()]);
    void instance.server.close().catch(() => undefined);
    for (const pool of instance.pools) void pool.close().catch(() => undefined);
  }

  async function book(i: number, round: number): Promise<string> {
    const room = await h.seedRoom(`P${round}-${i}`, { nightlyRate: "100.00", capacity: 2 });
    const start = new Date(Date.UTC(2037, 0, 1 + round * 10));
    const end = new Date(start.getTime() + (i + 1) * 86_400_000);
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...auth, "idempotency-key": `prop-${round}-${i}` },
      payload: { roomId: room, startDate: start.toISOString().slice(0, 10), endDate: end.toISOString().slice(0, 10), guests: 1 },
    });
    expect(created.statusCode).toBe(200);
    return created.json<{ id: string }>().id;
  }

  const steps = fc.array(
    fc.record({
      reservation: fc.integer({ min: 0, max: RESERVATIONS - 1 }),
      action: fc.constantFrom("confirm" as const, "cancel" as const),
      keyed: fc.boolean(),
      fault: fc.constantFrom<Fault>("none", "none", "cutDb", "cutDb", "failPayments", "kill"),
      at: fc.integer({ min: 0, max: 1_000 }),
    }),
    { minLength: 3, maxLength: 6 },
  );

  it("charges − refunds per reservation match its final status; no answer denies a commit", async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(steps, async (plan: Step[]) => {
        round++;
        const started = Date.now();
        const earlier = new Set(h.payments.charges().map((c) => c.id));
        const ids = await Promise.all(Array.from({ length: RESERVATIONS }, (_, i) => book(i, round)));
        let instance = await startInstance();
        const denials: string[] = [];
        try {
          for (const step of plan) {
            const id = ids[step.reservation]!;
            const headers = { ...auth, ...(step.keyed ? { "idempotency-key": `r${round}-${step.reservation}-${step.action}` } : {}) };
            if (step.fault === "cutDb") {
              const point = CUT_POINTS[step.at % CUT_POINTS.length]!;
              void instance.dbProxy.cut((chunk) => point.test(chunk), step.at % 2 === 0 ? "after-forwarding" : "before-forwarding", 50);
            }
            if (step.fault === "failPayments") h.payments.failNext(1 + (step.at % 3), 503);
            // A kill is likeliest to hurt while a charge is on the wire: the provider is slow then.
            if (step.fault === "kill") h.payments.stallNext(1, 400);
            const call = instance.server.inject({ method: "POST", url: `/reservations/${id}/${step.action}`, headers, payload: {} });
            let answer: LightMyRequestResponse | undefined;
            if (step.fault === "kill") {
              await new Promise((r) => setTimeout(r, step.at % 300));
              await kill(instance);
              instance = await startInstance();
              answer = await call.catch(() => undefined);
            } else answer = await call;
            if (answer && /nothing was committed/.test(answer.body)) denials.push(String(answer.headers["x-fascia-invocation-id"]));
          }
          // The provider recovers; the outbox delivers, and the guards of invocations that died come due and refund.
          h.payments.clearFaults();
          await new Promise((r) => setTimeout(r, 8_200));
          instance.server.executor.outbox?.poke();
          await h.outboxSettled(20_000);
          // A refund whose attempts all met injected failures is failed for good: the operator's `fascia outbox retry`.
          if ((await retryFailed(h.test.db, "all")) > 0) {
            instance.server.executor.outbox?.poke();
            await h.outboxSettled(20_000);
          }
        } finally {
          await kill(instance);
        }

        const rows = await h.rows("reservation");
        const charges = h.payments.charges();
        const refunds = h.payments.refunds();
        for (const [i, id] of ids.entries()) {
          const status = rows.find((r) => r.id === id)!.status as string;
          const mine = charges.filter((c) => c.amount === centsOf(i) && c.customer === customer && !earlier.has(c.id));
          const charged = mine.reduce((sum, c) => sum + c.amount, 0);
          const refunded = refunds.filter((r) => mine.some((c) => c.id === r.paymentIntent)).reduce((sum, r) => sum + r.amount, 0);
          const expected = status === "confirmed" ? centsOf(i) : 0;
          if (charged - refunded !== expected)
            throw new Error(`reservation ${i} is ${status}: charged ${charged}, refunded ${refunded} (plan ${JSON.stringify(plan)})`);
        }
        console.log(`fault round ${round}: ${plan.length} steps (${plan.map((p) => p.fault).join(", ")}) in ${Date.now() - started} ms`);
        // An answer that said nothing committed: its invocation has no success record (the final commit carries it).
        for (const invocation of denials) {
          const { rows: landed } = await h.test.db.query(`SELECT 1 FROM "fascia_audit" WHERE "invocation_id" = $1 AND "status" = 200`, [
            invocation,
          ]);
          expect(landed).toEqual([]);
        }
      }),
      // Bounded: a round takes 10–15 s (lost connections are settled, guards come due).
      { numRuns: 5, endOnFailure: true },
    );
  }, 240_000);
});
