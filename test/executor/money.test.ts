/**
 * Money is exact end to end, on PostgreSQL and PGlite: rooms priced 19.99, 0.29, 1.15 and
 * 1234567.89 are added through the API, booked, confirmed and cancelled through the example app,
 * and the local payments server records exactly 1999, 29, 115 and 123456789 cents charged and
 * refunded (as doubles, `int(totalPrice * 100.0)` charged 1998, 28 and 114). Responses,
 * idempotent replays and audit records carry decimals as strings with the field's scale.
 */
import { columnOf, toStoredParam } from "../../executor/nodes/db-values";
import { tableByEntity } from "../../compiler/schema/model";
import { parseDecimal } from "../../spec/cel/decimal";
import { describeEachDriver } from "../support/databases";
import { exampleManifest, startHarness, type Harness } from "./support/harness";

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
      const room = await h.server.inject({ method: "POST", url: "/rooms", headers: await as(["staff"]), payload: { number: `M${i}`, capacity: 2, nightlyRate: price.rate } });
      expect(room.statusCode).toBe(200);
      const payload = { roomId: room.json<{ id: string }>().id, startDate: "2027-03-01", endDate: "2027-03-02", guests: 1 };
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
      const cancelled = await h.server.inject({ method: "POST", url: `/reservations/${id}/cancel`, headers: await as(["customer"]), payload: {} });
      expect(cancelled.json()).toEqual({ id, status: "cancelled", refunded: true });
    }
    const charges = h.payments.charges();
    expect(h.payments.refunds().map((r) => [r.amount, r.paymentIntent])).toEqual(charges.map((c) => [c.amount, c.id]));

    // The database holds the same exact values, with the column's scale.
    const rows = await h.rows("reservation");
    expect(bookings.map((b) => String(rows.find((r) => r.id === b.id)!.total_price))).toEqual(bookings.map((b) => b.totalPrice));

    const audit = await h.audit();
    const of = (tool: string) => audit.filter((r) => r.tool === tool);
    // Audit records keep the input's decimals as strings with the field's scale (20 → "20.00").
    expect(of("createRoom").map((r) => r.input.nightlyRate)).toEqual(PRICES.map((p) => p.shown));
    expect(of("confirmReservation").map((r) => r.effects[0]!.amount)).toEqual(PRICES.map((p) => p.cents));
    expect(of("cancelReservation").map((r) => r.effects[0]!.amount)).toEqual(PRICES.map((p) => p.cents));
    expect(of("createReservation").filter((r) => r.replayOf !== undefined)).toHaveLength(PRICES.length);
  });

  it("prices a longer stay exactly: three nights at 0.29 are 0.87, charged as 87 cents", async () => {
    const room = await h.server.inject({ method: "POST", url: "/rooms", headers: await as(["staff"]), payload: { number: "M-long", capacity: 2, nightlyRate: "0.29" } });
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { ...(await as(["customer"])), "idempotency-key": "money-long" },
      payload: { roomId: room.json<{ id: string }>().id, startDate: "2027-05-01", endDate: "2027-05-04", guests: 1 },
    });
    const { id, totalPrice } = created.json<{ id: string; totalPrice: unknown }>();
    expect(totalPrice).toBe("0.87");
    await h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers: await as(["customer"]) });
    expect(h.payments.charges().at(-1)!.amount).toBe(87);
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
        details: [{ path: "flow.room.set.nightlyRate", message: "29.985 has more than 2 digits after the point, which nightlyRate keeps; round it explicitly, e.g. round(x, 2)" }],
      }),
    );
  });
});
