/**
 * Round trips per invocation (docs/executor.md, "Round trips"), on PostgreSQL and PGlite: a
 * createReservation POST (the bench's: without its confirmation mail) and a listReservations GET,
 * counted where their statements leave the executor (test/support/round-trips.ts). The claim is one
 * statement and travels with the transaction's BEGIN and its first read, a noOverlap lock with its
 * insert, and the final transaction's stored response, audit append and COMMIT leave together. A
 * replayed POST stops at the flow's next node once the claim has answered, and rolls back what it read.
 */
import { INVOCATION_HEADER, REPLAYED_HEADER } from "../../contracts/http-headers";
import { openPg } from "../../database/pg-driver";
import type { Database, Queryable, QueryOptions } from "../../database/types";
import type { ExecutorServer } from "../../executor/server/build-server";
import { describeEachDriver } from "../support/databases";
import { countingRoundTrips, type CountingRoundTrips } from "../support/round-trips";
import { startTcpProxy, throughProxy } from "../support/tcp-proxy";
import { exampleObjects, manifestOf, startHarness, type Harness } from "./support/harness";

describeEachDriver("round trips per invocation", (driver) => {
  let h: Harness;
  let counted: CountingRoundTrips;
  let server: ExecutorServer;
  let token: string;
  let room: string;

  beforeAll(async () => {
    h = await startHarness(driver, {
      manifest: (ops) => {
        const objects = exampleObjects(ops) as {
          kind: string;
          name: string;
          flow: { nodes: { id: string }[]; edges: { to: string }[] };
          acknowledge?: unknown;
        }[];
        const create = objects.find((o) => o.kind === "Tool" && o.name === "createReservation")!;
        create.flow.nodes = create.flow.nodes.filter((n) => n.id !== "sendConfirmation");
        create.flow.edges = create.flow.edges.filter((e) => e.to !== "sendConfirmation");
        delete create.acknowledge;
        return manifestOf(objects);
      },
    });
    counted = countingRoundTrips(h.test.db);
    server = await h.anotherInstance({ db: counted, outbox: false });
    const customer = await h.seedCustomer("Ada");
    token = await h.token(customer, ["customer"]);
    room = await h.seedRoom("101", { capacity: 2 });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  const post = (i: number) =>
    server.inject({
      method: "POST",
      url: "/reservations",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `trips-${i}` },
      payload: JSON.stringify({ roomId: room, startDate: `2036-0${i}-01`, endDate: `2036-0${i}-03`, guests: 2 }),
    });

  async function counting(send: () => Promise<{ statusCode: number; body: string }>, status = 200) {
    counted.reset();
    const response = await send();
    expect({ status: response.statusCode, body: response.body }).toMatchObject({ status });
    return counted.count();
  }

  it("a createReservation POST waits for four round trips: the claim with BEGIN and the customer read, the room read, the lock with the insert, the stored response with the audit append and the COMMIT", async () => {
    await counting(() => post(1)); // first use of the tool's statements
    const trips = await counting(() => post(2));
    expect(trips.sent).toEqual([
      expect.stringMatching(/^1: WITH "inserted" AS \( INSERT INTO "fascia_idempotency"/),
      expect.stringMatching(/^1: BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = /),
      expect.stringMatching(/^1: SELECT .* FROM "customer"/),
      expect.stringMatching(/^2: SELECT .* FROM "room"/),
      expect.stringMatching(/^3: SELECT pg_advisory_xact_lock/),
      expect.stringMatching(/^3: INSERT INTO "reservation"/),
      expect.stringMatching(/^4: WITH "owned" AS \(UPDATE "fascia_idempotency"/),
      expect.stringMatching(/^4: WITH .*INSERT INTO "fascia_audit"/),
      "4: COMMIT",
    ]);
    expect(trips.roundTrips).toBe(4);
  });

  it("a replayed POST: the claim finds the stored response; the customer read that travelled with it is rolled back, and the replay is audited", async () => {
    const before = await h.count("reservation");
    const trips = await counting(() => post(2));
    expect(trips.sent).toEqual([
      expect.stringMatching(/^1: WITH "inserted"/),
      expect.stringMatching(/^1: BEGIN /),
      expect.stringMatching(/^1: SELECT .* FROM "customer"/),
      "2: ROLLBACK",
      expect.stringMatching(/^3: WITH .*INSERT INTO "fascia_audit"/),
    ]);
    expect(await h.count("reservation")).toBe(before);
  });

  it("a replay whose flow would now be refused still replays: the claim's answer comes before what the flow read", async () => {
    const first = await post(3);
    expect(first.statusCode).toBe(200);
    await h.test.db.query(`UPDATE "room" SET "active" = false WHERE "id" = $1`, [room]);
    try {
      const again = await post(3);
      expect({ status: again.statusCode, body: again.json() }).toEqual({ status: 200, body: first.json() });
      expect(again.headers[REPLAYED_HEADER]).toBe("true");
    } finally {
      await h.test.db.query(`UPDATE "room" SET "active" = true WHERE "id" = $1`, [room]);
    }
  });

  it("a key held for another payload is 409 IDEMPOTENCY_CONFLICT even when the flow's first read finds nothing (not 404)", async () => {
    await h.test.db.query(
      `INSERT INTO "fascia_idempotency" ("tool", "caller_id", "key", "fingerprint", "state", "invocation_id", "locked_until") SELECT 'createReservation', "id"::text, 'trips-held', 'another payload', 'running', 'the-first-request', now() + interval '1 hour' FROM "customer"`,
    );
    const response = await server.inject({
      method: "POST",
      url: "/reservations",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": "trips-held" },
      payload: JSON.stringify({
        roomId: "00000000-0000-4000-8000-000000000000",
        startDate: "2036-07-01",
        endDate: "2036-07-03",
        guests: 2,
      }),
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: "IDEMPOTENCY_CONFLICT" } });
  });

  it("a key that failed before is taken over with statements of its own, then the flow runs again from its start: one booking", async () => {
    await h.test.db.query(
      `INSERT INTO "fascia_idempotency" ("tool", "caller_id", "key", "fingerprint", "state", "invocation_id", "locked_until") SELECT 'createReservation', "id"::text, 'trips-4', 'an earlier payload', 'failed', 'the-failed-request', now() FROM "customer"`,
    );
    const before = await h.count("reservation");
    const trips = await counting(() => post(4));
    expect(await h.count("reservation")).toBe(before + 1);
    const texts = trips.sent.map((t) => t.replace(/^\d+: /, ""));
    expect(texts.filter((t) => t.startsWith(`WITH "inserted"`))).toHaveLength(2);
    expect(texts.filter((t) => t.startsWith(`UPDATE "fascia_idempotency" SET "state" = 'running'`))).toHaveLength(1);
    expect(texts.filter((t) => t === "ROLLBACK")).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith(`INSERT INTO "reservation"`))).toHaveLength(1);
  });

  it("a listReservations GET waits for two round trips: BEGIN with the read, then the audit append with the COMMIT", async () => {
    const trips = await counting(() =>
      server.inject({ method: "GET", url: "/reservations", headers: { authorization: `Bearer ${token}` } }),
    );
    expect(trips.sent).toEqual([
      expect.stringMatching(/^1: BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = /),
      expect.stringMatching(/^1: SELECT .* FROM "reservation"/),
      expect.stringMatching(/^2: WITH .*INSERT INTO "fascia_audit"/),
      "2: COMMIT",
    ]);
    expect(trips.roundTrips).toBe(2);
  });
  it.each([
    ["the final commit: the stored response", false],
    ["an earlier commit (the full example mails after it): markCommitted", true],
  ])("a key lost before %s sent with the COMMIT rolls it back and the answer is IDEMPOTENCY_IN_FLIGHT", async (_what, mailing) => {
    // Another request takes the key over (this one outlived its lease) after the flow's insert, before
    // the key's statement leaves: on PostgreSQL on another connection, committed; PGlite has one connection, so
    // there the takeover is inside the invocation's transaction (and rolls back with it).
    const key = mailing ? "trips-lost-earlier" : "trips-lost";
    const takeover = `UPDATE "fascia_idempotency" SET "invocation_id" = 'the-other-request' WHERE "key" = '${key}'`;
    const intercepting = (q: Queryable): Queryable => ({
      ...q,
      async query<R>(text: string, values?: readonly unknown[], options?: QueryOptions) {
        const result = await q.query<R>(text, values, options);
        // After the flow's last write, before the transaction's last statements leave (they leave in one go, in order).
        if (text.startsWith(`INSERT INTO "reservation"`)) await (driver === "pg" ? h.test.db : q).query(takeover);
        return result;
      },
    });
    const db: Database = { ...h.test.db, session: (fn) => h.test.db.session((s) => fn(intercepting(s))) };
    const other = await h.anotherInstance({ db, outbox: false, ...(mailing ? { app: manifestOf(exampleObjects(h.ops.url)) } : {}) });
    try {
      const before = await h.count("reservation");
      const mails = h.mail.messages().length;
      const response = await other.inject({
        method: "POST",
        url: "/reservations",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key },
        payload: JSON.stringify({
          roomId: room,
          startDate: mailing ? "2036-10-01" : "2036-09-01",
          endDate: mailing ? "2036-10-03" : "2036-09-03",
          guests: 2,
        }),
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({
        error: { code: "IDEMPOTENCY_IN_FLIGHT", details: [{ message: "the lease on the key ended before the invocation finished" }] },
      });
      expect(await h.count("reservation")).toBe(before);
      expect(h.mail.messages()).toHaveLength(mails);
      const invocationId = response.headers[INVOCATION_HEADER];
      const audit = (await h.audit()).find((r) => r.invocationId === invocationId);
      expect(audit).toMatchObject({ outcome: { status: 409, code: "IDEMPOTENCY_IN_FLIGHT" }, rowsChanged: [] });
      if (driver === "pg") {
        const { rows } = await h.test.db.query(`SELECT "state", "invocation_id" FROM "fascia_idempotency" WHERE "key" = $1`, [key]);
        expect(rows).toEqual([{ state: "running", invocation_id: "the-other-request" }]);
      }
    } finally {
      await other.close();
    }
  });

  (driver === "pg" ? it : it.skip)("on the wire, with every answer 60 ms late, a POST waits for four answers", async () => {
    // A proxy holding each of PostgreSQL's answers back 60 ms: statements that leave together arrive
    // within a few ms of each other, a statement sent after an answer at least 60 ms after the one before.
    const DELAY_MS = 60;
    const url = new URL(h.test.url);
    const proxy = await startTcpProxy({ port: Number(url.port || 5432), host: url.hostname }, { answerDelayMs: DELAY_MS });
    const db = openPg(throughProxy(h.test.url, proxy), { max: 1 });
    const slow = await h.anotherInstance({ db, outbox: false });
    try {
      const send = (key: string, month: string) =>
        slow.inject({
          method: "POST",
          url: "/reservations",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key },
          payload: JSON.stringify({ roomId: room, startDate: `2037-${month}-01`, endDate: `2037-${month}-03`, guests: 2 }),
        });
      const first = await send("wire-1", "01");
      expect({ status: first.statusCode, body: first.body }).toMatchObject({ status: 200 }); // the connection opened
      proxy.chunks.length = 0;
      expect((await send("wire-2", "02")).statusCode).toBe(200);
      const arrivals = proxy.chunks.filter((c) => c.toServer).map((c) => c.at);
      const waits = arrivals.filter((at, i) => i === 0 || at - arrivals[i - 1]! > DELAY_MS / 2).length;
      expect(waits).toBe(4);
    } finally {
      await slow.close();
      await db.close();
      await proxy.close();
    }
  });
});
