import fc from "fast-check";
import { loadSpecDir } from "../../loader/load";
import { createBaseEnvironment, createToolEnvironment } from "../../loader/cel/environment";
import { rowFields, rowTypeName } from "../../loader/cel/types";
import { fromCel, toCel } from "../../executor/cel/values";
import { CelDecimal, parseDecimal } from "../../loader/cel/decimal";

// Values as the database driver returns them: decimals as text, timestamps as Date.
const row = {
  id: "8b1d6a9e-2f4c-4b6a-9a51-0c2d3e4f5a6b",
  createdAt: new Date("2026-01-01T10:00:00Z"),
  updatedAt: new Date("2026-01-01T10:00:00Z"),
  version: 3,
  startDate: "2026-03-01",
  endDate: "2026-03-04",
  guests: 2,
  totalPrice: "297.50",
  notes: null,
  email: "a@example.com",
  paymentId: null,
  customerId: "c1",
  roomId: "r1",
  status: "pending",
};

describe("CEL values at runtime follow the checked types", () => {
  const { specs } = loadSpecDir("examples/reservations");
  const entities = [...specs.entities.values()].map((e) => e.spec);
  const reservation = specs.entities.get("Reservation")!.spec;
  const types = new Map(entities.map((e) => [rowTypeName(e.name), rowFields(e)]));
  const env = createToolEnvironment(createBaseEnvironment(entities), {
    input: { guests: "int" },
    nodes: { load: rowTypeName("Reservation") },
  });
  const context = (extra: object = {}) => ({
    input: toCel({ guests: 2 }, "tool.Input", new Map([["tool.Input", { guests: "int" }]])),
    caller: { id: "c1", roles: ["customer"], claims: {} },
    now: new Date("2026-03-05T00:00:00Z"),
    nodes: { load: toCel(row, rowTypeName("Reservation"), types) },
    ...extra,
  });

  it("evaluates the example's expressions over a database row", () => {
    expect(fromCel(env.evaluate("minorUnits(nodes.load.totalPrice, 'eur')", context()))).toBe(29750);
    expect(fromCel(env.evaluate("{'total': nodes.load.totalPrice, 'twice': nodes.load.totalPrice * 2}", context()))).toEqual({
      total: "297.50",
      twice: "595.00",
    });
    expect(env.evaluate("nodes.load.status == 'pending' && nodes.load.notes == null", context())).toBe(true);
    expect(env.evaluate("nodes.load.version + input.guests", context())).toBe(5n);
    expect(env.evaluate("nodes.load.endDate < date(now)", context())).toBe(true);
    expect(fromCel(env.evaluate("{'id': nodes.load.id, 'created': nodes.load.createdAt, 'v': nodes.load.version}", context()))).toEqual({
      id: row.id,
      created: "2026-01-01T10:00:00.000Z",
      v: 3,
    });
  });

  it("agrees with the invariant checker's view of a row", () => {
    const fields = rowFields(reservation);
    expect(fields.totalPrice).toBe("decimal");
    const cel = toCel(row, rowTypeName("Reservation"), types) as Record<string, unknown>;
    expect(cel).toMatchObject({ guests: 2n, version: 3n, notes: null });
    // Exact and with the column's scale, never a double.
    expect(cel.totalPrice).toBeInstanceOf(CelDecimal);
    expect(String(cel.totalPrice)).toBe("297.50");
  });

  it("turns large ints into strings rather than losing digits", () => {
    expect(fromCel(2n ** 60n)).toBe("1152921504606846976");
    expect(fromCel(new Map([["a", [1n, "x"]]]))).toEqual({ a: [1, "x"] });
  });
});

describe("fromCel", () => {
  // The first, allocation-heavy definition: the loop version must give the same JSON.
  const reference = (value: unknown): unknown => {
    if (typeof value === "bigint")
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    if (value instanceof CelDecimal) return value.value.toFixed(value.scale);
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), reference(v)]));
    if (Array.isArray(value)) return value.map(reference);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reference(v)]));
    return value;
  };

  it("turns any CEL value into the JSON the reference definition gives, __proto__ keys included", () => {
    const key = fc.oneof(fc.string(), fc.constant("__proto__"));
    const cel = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.bigInt(),
        fc.tuple(fc.bigInt(), fc.nat(6)).map(([digits, scale]) => parseDecimal(`${digits}${scale ? `.${"0".repeat(scale)}` : ""}`)),
        fc.string(),
        fc.date({ noInvalidDate: true }),
        fc.array(tie("value")),
        fc.array(fc.tuple(key, tie("value"))).map((entries) => new Map(entries)),
        fc.array(fc.tuple(key, tie("value"))).map((entries) => Object.fromEntries(entries)),
      ),
    })).value;
    fc.assert(
      fc.property(cel, (v) => expect(JSON.stringify(fromCel(v))).toBe(JSON.stringify(reference(v)))),
      { numRuns: 1000 },
    );
    expect(Object.keys(fromCel(new Map([["__proto__", 1]])) as object)).toEqual(["__proto__"]);
  });
});
