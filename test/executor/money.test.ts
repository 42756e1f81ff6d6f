/**
 * Money is exact end to end, on PostgreSQL and PGlite: rooms priced 19.99, 0.29, 1.15 and
 * 1234567.89 are added through the API, booked, confirmed and cancelled through the example app,
 * and the local payments server records exactly 1999, 29, 115 and 123456789 cents charged and
 * refunded (as doubles, `int(totalPrice * 100.0)` charged 1998, 28 and 114). Responses,
 * idempotent replays and audit records carry decimals as strings with the field's scale.
 */
import { columnOf, toStoredParam } from "../../executor/nodes/db-values";
import { tableByEntity } from "../../compiler/schema/model";
import { parseDecimal } from "../../loader/cel/decimal";
import { describeEachDriver } from "../support/databases";
import { exampleManifest, manifestOf, startHarness, type Harness } from "./support/harness";

/** The nightly rate as the client sends it (a string or a JSON number), what one night costs, in cents. */
const PRICES = [
  { rate: "19.99", shown: "19.99", cents: 1999 },
  { rate: 0.29, shown: "0.29", cents: 29 },
  { rate: "1.15", shown: "1.15", cents: 115 },
  { rate: "1234567.89", shown: "1234567.89", cents: 123456789 },
  { rate: "20", shown: "20.00", cents: 2000 },
] as const;

describeEachDriver("money through the example app", (driver) => {
  let h: Harness;
  let customer: string;
  beforeAll(async () => {
    h = await startHarness(driver);
    customer = await h.seedCustomer("Grace");
  }, 60_000);
  afterAll(() => h?.close());

  const as = async (roles: string[]) => ({ authorization: `Bearer ${await h.token(customer, roles)}` });

  it("charges and refunds every price to the cent; the response shows totalPrice as a string", async () => {
    const bookings: { id: string; cents: number; totalPrice: string }[] = [];
    for (const [i, price] of PRICES.entries()) {
      const room = await h.server.inject({
        method: "POST",
        url: "/rooms",
        headers: await as(["staff"]),
        payload: { number: `M${i}`, capacity: 2, nightlyRate: price.rate },
      });
      expect(room.statusCode).toBe(200);
      const payload = { roomId: room.json<{ id: string }>().id, startDate: "2037-03-01", endDate: "2037-03-02", guests: 1 };
      const headers = { ...(await as(["customer"])), "idempotency-key": `money-${i}` };
      const created = await h.server.inject({ method: "POST", url: "/reservations", headers, payload });
      expect(created.statusCode).toBe(200);
      const body = created.json<{ id: string; status: string; totalPrice: unknown }>();
      expect({ status: body.status, totalPrice: body.totalPrice }).toEqual({ status: "pending", totalPrice: price.shown });
      // The raw JSON text too: a string, not a number that a client would parse as a double.
      expect(created.body).toContain(`"totalPrice":"${price.shown}"`);

      const replay = await h.server.inject({ method: "POST", url: "/reservations", headers, payload });
      expect(replay.headers["idempotent-replayed"]).toBe("true");
      expect(replay.body).toBe(created.body);
      bookings.push({ id: body.id, cents: price.cents, totalPrice: price.shown });
    }

    for (const { id } of bookings) {
      const confirmed = await h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers: await as(["customer"]) });
      expect(confirmed.json()).toEqual({ id, status: "confirmed" });
    }
    expect(h.payments.charges().map((c) => [c.amount, c.currency])).toEqual(PRICES.map((p) => [p.cents, "eur"]));

    for (const { id } of bookings) {
      const cancelled = await h.server.inject({
        method: "POST",
        url: `/reservations/${id}/cancel`,
        headers: await as(["customer"]),
        payload: {},
      });
      expect(cancelled.json()).toEqual({ id, status: "cancelled", refunded: true });
    }
    // Refunds run after their cancellations commit, from the outbox: in any order, each to the cent.
    await h.outboxSettled();
    const charges = h.payments.charges();
    const byPayment = (a: [number, string], b: [number, string]) => a[1].localeCompare(b[1]);
    expect(
      h.payments
        .refunds()
        .map((r): [number, string] => [r.amount, r.paymentIntent ?? ""])
        .sort(byPayment),
    ).toEqual(charges.map((c): [number, string] => [c.amount, c.id]).sort(byPayment));

    // The database holds the same exact values, with the column's scale.
    const rows = await h.rows("reservation");
    expect(bookings.map((b) => String(rows.find((r) => r.id === b.id)!.total_price))).toEqual(bookings.map((b) => b.totalPrice));

    const audit = await h.audit();
    const of = (tool: string) => audit.filter((r) => r.tool === tool);
    // Audit records keep the input's decimals as strings with the field's scale (20 → "20.00").
    expect(of("createRoom").map((r) => r.input.nightlyRate)).toEqual(PRICES.map((p) => p.shown));
    expect(of("confirmReservation").map((r) => r.effects[0]!.amount)).toEqual(PRICES.map((p) => p.cents));
    const refunded = (await h.deliveries()).filter((d) => d.tool === "cancelReservation").map((d) => d.effects[0]!.amount!);
    expect(refunded.sort((a, b) => a - b)).toEqual(PRICES.map((p) => p.cents).sort((a, b) => a - b));
    expect(of("createReservation").filter((r) => r.replayOf !== undefined)).toHaveLength(PRICES.length);
  });

  it("refuses a nightly rate of 0 or below at its field path; one cent is a rate", async () => {
    for (const [i, nightlyRate] of ["0", "0.00", "-1.50", 0].entries()) {
      const refused = await h.server.inject({
        method: "POST",
        url: "/rooms",
        headers: await as(["staff"]),
        payload: { number: `Z${i}`, capacity: 2, nightlyRate },
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json<{ error: { details: { path: string }[] } }>().error.details.map((d) => d.path)).toEqual(["body.nightlyRate"]);
    }
    const cent = await h.server.inject({
      method: "POST",
      url: "/rooms",
      headers: await as(["staff"]),
      payload: { number: "Z-cent", capacity: 2, nightlyRate: "0.01" },
    });
    expect(cent.statusCode).toBe(200);
  });

  it("prices a longer stay exactly: three nights at 0.29 are 0.87, charged as 87 cents", async () => {
    const room = await h.server.inject({
      method: "POST",
      url: "/rooms",
      headers: await as(["staff"]),
      payload: { number: "M-long", capacity: 2, nightlyRate: "0.29" },
    });
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...(await as(["customer"])), "idempotency-key": "money-long" },
      payload: { roomId: room.json<{ id: string }>().id, startDate: "2037-05-01", endDate: "2037-05-04", guests: 1 },
    });
    const { id, totalPrice } = created.json<{ id: string; totalPrice: unknown }>();
    expect(totalPrice).toBe("0.87");
    await h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers: await as(["customer"]) });
    expect(h.payments.charges().at(-1)!.amount).toBe(87);
  });
});

/** A till beside the example: decimal input, arithmetic stored back, and a switch on a price. */
function tillSpecs(): unknown[] {
  const tool = (name: string, path: string, extra: Record<string, unknown>) => ({
    kind: "Tool",
    name,
    trigger: { http: { method: "POST", path } },
    auth: { roles: ["clerk"] },
    timeout: "5s",
    ...extra,
  });
  const refuse = (id: string, code: string) => ({ id, type: "assert", condition: "false", error: { code, status: 409, message: code } });
  return [
    {
      kind: "Entity",
      name: "Item",
      fields: { name: { type: "string", maxLength: 20 }, price: { type: "decimal", precision: 10, scale: 2, min: 0 } },
    },
    tool("addItem", "/items", {
      input: { name: { type: "string", maxLength: 20 }, price: { type: "decimal", precision: 10, scale: 2, min: 0 } },
      output: "{'id': nodes.add.id, 'price': nodes.add.price, 'cents': minorUnits(nodes.add.price, 'eur')}",
      flow: {
        nodes: [
          { id: "add", type: "write", entity: "Item", action: "create", set: { name: "input.name", price: "input.price" } },
          { id: "tx", type: "transaction", nodes: ["add"] },
        ],
      },
    }),
    tool("markUp", "/items/{itemId}/markup", {
      input: { itemId: { type: "uuid" }, factor: { type: "decimal", precision: 6, scale: 3 }, rounded: { type: "boolean" } },
      output: "{'computed': nodes.price, 'stored': nodes.save.price}",
      flow: {
        nodes: [
          { id: "load", type: "read", entity: "Item", where: { id: "input.itemId" }, one: true },
          {
            id: "price",
            type: "transform",
            value: "input.rounded ? round(nodes.load.price * input.factor, 2) : nodes.load.price * input.factor",
          },
          { id: "save", type: "write", entity: "Item", action: "update", where: { id: "nodes.load.id" }, set: { price: "nodes.price" } },
          { id: "tx", type: "transaction", nodes: ["load", "price", "save"] },
        ],
        edges: [
          { from: "load", to: "price" },
          { from: "price", to: "save" },
        ],
      },
    }),
    tool("band", "/items/{itemId}/band", {
      input: { itemId: { type: "uuid" } },
      output: "{'band': 'other'}",
      flow: {
        nodes: [
          { id: "load", type: "read", entity: "Item", where: { id: "input.itemId" }, one: true },
          { id: "band", type: "switch", value: "nodes.load.price", cases: [19.99, 0.29] },
          refuse("high", "BAND_19_99"),
          refuse("low", "BAND_0_29"),
          { id: "other", type: "transform", value: "'other'" },
        ],
        edges: [
          { from: "load", to: "band" },
          { from: "band", to: "high", when: 19.99 },
          { from: "band", to: "low", when: 0.29 },
          { from: "band", to: "other", when: "default" },
        ],
      },
    }),
  ];
}

describeEachDriver("money in a till of its own", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(driver, { manifest: () => manifestOf(tillSpecs(), "till") });
  }, 60_000);
  afterAll(() => h?.close());
  const post = async (url: string, payload: Record<string, unknown>) =>
    h.server.inject({ method: "POST", url, headers: { authorization: `Bearer ${await h.token("clerk-1", ["clerk"])}` }, payload });
  const add = async (price: string | number) =>
    (await post("/items", { name: "tea", price })).json<{ id: string; price: string; cents: number }>();

  it("stores a computed price only when it fits the column: rounding is written, never done by PostgreSQL", async () => {
    const item = await add("19.99");
    expect(item).toMatchObject({ price: "19.99", cents: 1999 });
    const exact = await post(`/items/${item.id}/markup`, { factor: "1.5", rounded: false });
    expect(exact.statusCode).toBe(422);
    expect(exact.json().error).toMatchObject({
      code: "EXPRESSION_FAILED",
      details: [{ path: "flow.save.set.price", message: expect.stringContaining("29.98500 has more than 2 digits after the point") }],
    });
    expect((await h.rows("item")).find((r) => r.id === item.id)!.price).toBe("19.99");

    const rounded = await post(`/items/${item.id}/markup`, { factor: "1.5", rounded: true });
    expect(rounded.json()).toEqual({ computed: "29.99", stored: "29.99" });
    // The factor arrives with its field scale (2 → 2.000); trailing zeros lose nothing: 59.98000 is stored as 59.98.
    const doubled = await post(`/items/${item.id}/markup`, { factor: "2", rounded: false });
    expect(doubled.json()).toEqual({ computed: "59.98000", stored: "59.98" });
  });

  it("a switch on a decimal matches its number cases by exact value", async () => {
    const bands: Record<string, string> = {};
    for (const price of ["19.99", "0.29", "0.30", "19.9900"]) {
      const item = await add(price);
      const answer = await post(`/items/${item.id}/band`, {});
      bands[price] = answer.statusCode === 200 ? answer.json<{ band: string }>().band : answer.json().error.code;
    }
    expect(bands).toEqual({ "19.99": "BAND_19_99", "0.29": "BAND_0_29", "0.30": "other", "19.9900": "BAND_19_99" });
  });
});

describe("storing a decimal", () => {
  const room = tableByEntity(exampleManifest().schema, "Room")!;
  const rate = columnOf(room, "nightlyRate");

  it("passes it as exact text with its scale, trailing zeros allowed", () => {
    expect(toStoredParam(parseDecimal("19.99"), rate, "flow.room.set.nightlyRate")).toBe("19.99");
    expect(toStoredParam(parseDecimal("19.990"), rate, "flow.room.set.nightlyRate")).toBe("19.990");
  });

  it("refuses more digits after the point than the column keeps, which PostgreSQL would round away", () => {
    expect(() => toStoredParam(parseDecimal("29.985"), rate, "flow.room.set.nightlyRate")).toThrow(
      expect.objectContaining({
        code: "EXPRESSION_FAILED",
        status: 422,
        details: [
          {
            path: "flow.room.set.nightlyRate",
            message: "29.985 has more than 2 digits after the point, which nightlyRate keeps; round it explicitly, e.g. round(x, 2)",
          },
        ],
      }),
    );
  });
});
