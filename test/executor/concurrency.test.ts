/**
 * Races on PostgreSQL over real HTTP (the executor listening on 127.0.0.1, every request its own
 * socket), with a pool big enough for real contention and bounded (20 connections):
 * - 100 concurrent confirmations of one pending reservation: exactly one 200, 99 × 409, exactly
 *   one charge at the payments server (the plan's row lock: the racers wait, then see it confirmed);
 * - 200 concurrent overlapping bookings of one room: no double booking in the table, every
 *   refusal a 409 naming the noOverlap rule, every refused stay overlapping an accepted one.
 * PGlite has one connection, so invocations there never race; it is not run here.
 */
import type { AddressInfo } from "node:net";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { testDrivers } from "../support/databases";
import { startHarness, type Harness } from "./support/harness";

const POOL = 20;
const REQUEST_TIMEOUT_MS = 30_000;

interface Answer {
  status: number;
  body: { id?: string; status?: string; error?: { code: string; message: string; details: { rule?: string }[] } };
  ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

(testDrivers().includes("pg") ? describe : describe.skip)("concurrent invocations over HTTP [pg]", () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness("pg", { poolSize: POOL });
    await h.server.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(h.server.server.address() as AddressInfo).port}`;
    // Open all the pool's connections now, so the races start at full width (a cold pool staggers them).
    await Promise.all(Array.from({ length: POOL }, () => h.server.executor.db.session((conn) => conn.query("SELECT pg_sleep(0.05)"))));
  }, 60_000);
  afterAll(() => h?.close());

  async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"], ms: performance.now() - started };
  }

  const statusCounts = (answers: Answer[]) =>
    answers.reduce<Record<string, number>>(
      (acc, a) => ({
        ...acc,
        [`${a.status} ${a.body.error?.code ?? ""}`.trim()]: (acc[`${a.status} ${a.body.error?.code ?? ""}`.trim()] ?? 0) + 1,
      }),
      {},
    );

  it("100 concurrent confirmations of one pending reservation: one 200, 99 × 409, one charge", async () => {
    const customer = await h.seedCustomer("Ada");
    const room = await h.seedRoom("301", { capacity: 2, nightlyRate: "120.00" });
    const token = await h.token(customer, ["customer"]);
    const created = await call(
      "POST",
      "/reservations",
      { authorization: `Bearer ${token}`, "idempotency-key": "race-create" },
      { roomId: room, startDate: "2036-06-01", endDate: "2036-06-03", guests: 2 },
    );
    expect(created.status).toBe(200);
    const id = created.body.id!;
    const charges = h.payments.charges().length;
    const audited = (await h.audit()).length;

    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call("POST", `/reservations/${id}/confirm`, {
          authorization: `Bearer ${token}`,
          ...(i % 2 ? { "idempotency-key": `race-${i}` } : {}),
        }),
      ),
    );
    const wallMs = performance.now() - started;

    expect(statusCounts(answers)).toEqual({ "200": 1, "409 NOT_PENDING": 99 });
    expect(answers.find((a) => a.status === 200)!.body).toEqual({ id, status: "confirmed" });
    expect(h.payments.charges()).toHaveLength(charges + 1);
    expect(h.payments.refunds()).toHaveLength(0);
    const row = (await h.rows("reservation")).find((r) => r.id === id)!;
    expect(row).toMatchObject({ status: "confirmed", payment_id: h.payments.charges()[charges]!.id, version: 2 });
    // One audit record per invocation, on one unbroken chain; the refused keys were freed.
    expect((await h.audit()).length - audited).toBe(100);
    expect((await verifyAuditLog(h.test.db)).broken).toBeUndefined();
    const keys = await h.test.db.query<{ key: string; state: string }>(
      `SELECT "key", "state" FROM "fascia_idempotency" WHERE "tool" = 'confirmReservation'`,
    );
    const winner = answers.findIndex((a) => a.status === 200);
    expect(keys.rows).toEqual(winner % 2 ? [{ key: `race-${winner}`, state: "done" }] : []);
    console.log(
      `100 concurrent confirmations: ${Math.round(wallMs)} ms wall, latency p50 ${Math.round(
        percentile(
          answers.map((a) => a.ms),
          50,
        ),
      )} ms, p99 ${Math.round(
        percentile(
          answers.map((a) => a.ms),
          99,
        ),
      )} ms`,
    );
  });

  it("200 concurrent overlapping bookings of one room: no double booking, every refusal names noOverlap", async () => {
    const customers = await Promise.all(["Bea", "Cy", "Di", "Ed", "Flo"].map((n) => h.seedCustomer(n)));
    const tokens = await Promise.all(customers.map((c) => h.token(c, ["customer"])));
    const room = await h.seedRoom("302", { capacity: 4, nightlyRate: "90.00" });
    // Distinct start dates (so two bookings never start the same day), stays of 2–9
    // nights: each stay overlaps up to 16 others.
    const day = (n: number) => new Date(Date.UTC(2027, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    const stays = Array.from({ length: 200 }, (_, i) => ({ startDate: day(i), endDate: day(i + 2 + ((i * 5) % 8)) }));
    const emailsBefore = h.mail.messages().length;

    const started = performance.now();
    const answers = await Promise.all(
      stays.map((stay, i) =>
        call(
          "POST",
          "/reservations",
          { authorization: `Bearer ${tokens[i % tokens.length]}`, "idempotency-key": `book-${i}` },
          { roomId: room, ...stay, guests: 1 },
        ),
      ),
    );
    const wallMs = performance.now() - started;

    const accepted = answers.flatMap((a, i) => (a.status === 200 ? [{ id: a.body.id!, ...stays[i]! }] : []));
    const refused = answers.flatMap((a, i) => (a.status === 200 ? [] : [{ answer: a, ...stays[i]! }]));
    expect(accepted.length).toBeGreaterThan(0);
    for (const { answer } of refused) {
      expect({ status: answer.status, code: answer.body.error?.code, rule: answer.body.error?.details[0]?.rule }).toEqual({
        status: 409,
        code: "CONFLICT",
        rule: "noOverlap noDoubleBooking",
      });
    }
    // The table: exactly the accepted bookings, pairwise disjoint.
    const { rows } = await h.test.db.query<{ id: string; start_date: string; end_date: string }>(
      `SELECT "id", "start_date", "end_date" FROM "reservation" WHERE "room_id" = $1 AND "status" <> 'cancelled' ORDER BY "start_date"`,
      [room],
    );
    expect(rows.map((r) => r.id).sort()).toEqual(accepted.map((a) => a.id).sort());
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.start_date >= rows[i - 1]!.end_date).toBe(true);
    // Each refusal was right: its stay overlaps an accepted one.
    const overlaps = (a: { startDate: string; endDate: string }, b: { startDate: string; endDate: string }) =>
      a.startDate < b.endDate && b.startDate < a.endDate;
    for (const r of refused) expect(accepted.some((a) => overlaps(a, r))).toBe(true);
    // Keys: the accepted ones answered and stored, the refused ones freed.
    const keys = await h.test.db.query<{ key: string; state: string }>(
      `SELECT "key", "state" FROM "fascia_idempotency" WHERE "tool" = 'createReservation' AND "key" LIKE 'book-%'`,
    );
    expect(keys.rows.map((k) => k.key).sort()).toEqual(answers.flatMap((a, i) => (a.status === 200 ? [`book-${i}`] : [])).sort());
    expect(new Set(keys.rows.map((k) => k.state))).toEqual(new Set(["done"]));
    await h.outboxSettled();
    expect(h.mail.messages().length - emailsBefore).toBe(accepted.length);
    console.log(
      `200 concurrent bookings: ${accepted.length} accepted, ${refused.length} refused (409 noOverlap), ${Math.round(wallMs)} ms wall, latency p50 ${Math.round(
        percentile(
          answers.map((a) => a.ms),
          50,
        ),
      )} ms, p99 ${Math.round(
        percentile(
          answers.map((a) => a.ms),
          99,
        ),
      )} ms`,
    );
  });
});
