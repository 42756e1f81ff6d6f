/**
 * Round trips per invocation (docs/executor.md, "Round trips"), on PostgreSQL and PGlite: a
 * createReservation POST (the bench's: without its confirmation mail) and a listReservations GET,
 * counted where their statements leave the executor (test/support/round-trips.ts). The claim is one
 * statement, the transaction's BEGIN travels with its first read, a noOverlap lock with its insert,
 * and the final transaction's stored response, audit append and COMMIT leave together.
 */
import type { ExecutorServer } from "../../executor/server/build-server";
import { describeEachDriver } from "../support/databases";
import { countingRoundTrips, type CountingRoundTrips } from "../support/round-trips";
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

  it("a createReservation POST waits for five round trips: the claim, BEGIN with the customer read, the room read, the lock with the insert, the stored response with the audit append and the COMMIT", async () => {
    await counting(() => post(1)); // first use of the tool's statements
    const trips = await counting(() => post(2));
    expect(trips.sent).toEqual([
      expect.stringMatching(/^1: WITH "inserted" AS \( INSERT INTO "fascia_idempotency"/),
      expect.stringMatching(/^2: BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = /),
      expect.stringMatching(/^2: SELECT .* FROM "customer"/),
      expect.stringMatching(/^3: SELECT .* FROM "room"/),
      expect.stringMatching(/^4: SELECT pg_advisory_xact_lock/),
      expect.stringMatching(/^4: INSERT INTO "reservation"/),
      expect.stringMatching(/^5: WITH "owned" AS \(UPDATE "fascia_idempotency"/),
      expect.stringMatching(/^5: WITH "head"/),
      "5: COMMIT",
    ]);
    expect(trips.roundTrips).toBe(5);
  });

  it("a replayed POST: the claim finds the stored response in the same statement", async () => {
    const trips = await counting(() => post(2));
    expect(trips.sent[0]).toMatch(/^1: WITH "inserted"/);
    expect(trips.sent[1]).toMatch(/^2: /);
    expect(trips.roundTrips).toBe(2);
  });

  it("a listReservations GET waits for two round trips: BEGIN with the read, then the audit append with the COMMIT", async () => {
    const trips = await counting(() =>
      server.inject({ method: "GET", url: "/reservations", headers: { authorization: `Bearer ${token}` } }),
    );
    expect(trips.sent).toEqual([
      expect.stringMatching(/^1: BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = /),
      expect.stringMatching(/^1: SELECT .* FROM "reservation"/),
      expect.stringMatching(/^2: WITH "head"/),
      "2: COMMIT",
    ]);
    expect(trips.roundTrips).toBe(2);
  });
});
