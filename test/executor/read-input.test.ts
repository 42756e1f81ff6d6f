import fc from "fast-check";
import { isDate } from "../../executor/input/input-schema";
import { createInputReader } from "../../executor/input/read-input";
import { ToolError } from "../../executor/errors/catalogue";
import type { InputFieldSpec } from "../../language/field";

const fields: Record<string, InputFieldSpec> = {
  reservationId: { type: "uuid" },
  guests: { type: "integer", min: 1, max: 12 },
  price: { type: "decimal", precision: 6, scale: 2 },
  startDate: { type: "date" },
  notes: { type: "string", maxLength: 5, optional: true },
  status: { type: "enum", values: ["pending", "confirmed"], default: "pending" },
};
const reader = createInputReader(fields);
const id = "8b1d6a9e-2f4c-4b6a-9a51-0c2d3e4f5a6b";

function problems(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    const e = error as ToolError;
    expect(e.status).toBe(400);
    expect(e.code).toBe("INVALID_INPUT");
    return e.details.map((d) => `${d.path}: ${d.message}`).sort();
  }
  throw new Error("expected INVALID_INPUT");
}

describe("tool input (step 2)", () => {
  it("merges path and body, normalizes decimals and applies defaults and nulls", () => {
    const value = reader.read({
      params: { reservationId: id.toUpperCase() },
      query: {},
      fromQuery: false,
      body: { guests: 2, price: 12.5, startDate: "2026-02-28" },
    });
    // A decimal arrives as text with its field's scale, whether sent as a JSON number or a string.
    expect(value).toEqual({ reservationId: id, guests: 2, price: "12.50", startDate: "2026-02-28", notes: null, status: "pending" });
  });

  it("reports every problem with its field path", () => {
    expect(
      problems(() =>
        reader.read({
          params: { reservationId: "nope" },
          query: {},
          fromQuery: false,
          body: { guests: 13, price: "1.234", startDate: "2026-02-30", notes: "too long", colour: "red" },
        }),
      ),
    ).toEqual([
      "body.colour: is not an input field of this tool",
      "body.guests: must be at most 12",
      "body.notes: must be at most 5 characters",
      "body.price: has 3 digits after the point; at most 2",
      "body.startDate: must be a date YYYY-MM-DD",
      "path.reservationId: must be a UUID",
    ]);
  });

  it("names missing required fields", () => {
    expect(problems(() => reader.read({ params: {}, query: {}, fromQuery: false, body: {} }))).toEqual([
      "body.guests: is required",
      "body.price: is required",
      "body.reservationId: is required",
      "body.startDate: is required",
    ]);
  });

  it("reads GET input from the query string, converting numbers", () => {
    const value = reader.read({
      params: { reservationId: id },
      query: { guests: "3", price: "10", startDate: "2026-01-01" },
      fromQuery: true,
      body: undefined,
    });
    expect(value.guests).toBe(3);
    expect(
      problems(() =>
        reader.read({
          params: { reservationId: id },
          query: { guests: "three", price: "1", startDate: "2026-01-01" },
          fromQuery: true,
          body: undefined,
        }),
      ),
    ).toEqual(["query.guests: must be an integer"]);
  });

  describe("a decimal the database would store altered is refused, by its exact value", () => {
    const money = createInputReader({ nightlyRate: { type: "decimal", precision: 10, scale: 2, min: 0.01 } });
    const given = (nightlyRate: unknown) => ({ params: {}, query: {}, fromQuery: false, body: { nightlyRate } });

    it("more digits after the point than the scale, however it is written", () => {
      for (const [value, places] of [
        [0.001, 3],
        ["0.001", 3],
        [1e-7, 7],
        ["1e-7", 7],
        ["1.005E+0", 3],
        [0.1 + 0.2, 17],
        [5e-324, 324],
      ] as const)
        expect(problems(() => money.read(given(value)))).toEqual([
          `body.nightlyRate: has ${places} digits after the point; at most 2`,
          ...(Number(value) < 0.01 ? ["body.nightlyRate: must be between 0.01 and ∞"] : []),
        ]);
    });

    it("more digits before the point than precision − scale, and past the 1000 digits any decimal may have", () => {
      expect(problems(() => money.read(given(123456789.5)))).toEqual(["body.nightlyRate: has 9 digits before the point; at most 8"]);
      expect(problems(() => money.read(given(1e21)))).toEqual(["body.nightlyRate: has 22 digits before the point; at most 8"]);
      const free = createInputReader({ x: { type: "decimal" } });
      expect(problems(() => free.read({ params: {}, query: {}, fromQuery: false, body: { x: "1e-1001" } }))).toEqual([
        "body.x: has 1001 digits after the point; at most 1000",
      ]);
      expect(problems(() => free.read({ params: {}, query: {}, fromQuery: false, body: { x: "1e99999999999999999999" } }))).toEqual([
        "body.x: has more than 1000 digits before the point",
      ]);
    });

    it("a precision without a scale stores whole numbers (numeric(p) is numeric(p,0)), so a fraction is refused", () => {
      const whole = createInputReader({ n: { type: "decimal", precision: 4 } });
      expect(problems(() => whole.read({ params: {}, query: {}, fromQuery: false, body: { n: 1.5 } }))).toEqual([
        "body.n: has 1 digit after the point; at most 0",
      ]);
      expect(whole.read({ params: {}, query: {}, fromQuery: false, body: { n: "12" } })).toEqual({ n: "12" });
    });

    it("exponent forms that fit are taken by their value, in plain notation with the field's scale", () => {
      expect(money.read(given("1.5E+2"))).toEqual({ nightlyRate: "150.00" });
      expect(money.read(given(1.5e2))).toEqual({ nightlyRate: "150.00" });
      expect(money.read(given("1.230"))).toEqual({ nightlyRate: "1.23" }); // a trailing zero loses nothing
      const free = createInputReader({ x: { type: "decimal" } });
      expect(free.read({ params: {}, query: {}, fromQuery: false, body: { x: 1e21 } })).toEqual({ x: "1000000000000000000000" });
      expect(free.read({ params: {}, query: {}, fromQuery: false, body: { x: "12.50" } })).toEqual({ x: "12.50" });
    });
  });

  it("rejects a body that is not an object and a field given twice with different values", () => {
    expect(problems(() => reader.read({ params: {}, query: {}, fromQuery: false, body: [1, 2] }))).toContain("body: must be a JSON object");
    expect(
      problems(() =>
        reader.read({
          params: { reservationId: id },
          query: {},
          fromQuery: false,
          body: { reservationId: "8b1d6a9e-2f4c-4b6a-9a51-000000000000", guests: 1, price: "1", startDate: "2026-01-01" },
        }),
      ),
    ).toEqual(["body.reservationId: also given in the path with another value"]);
  });

  it("refuses a __proto__ key as an unknown field instead of taking input fields from it", () => {
    const body = JSON.parse(`{"reservationId": "${id}", "price": "1", "startDate": "2026-01-01", "__proto__": {"guests": 2}}`) as unknown;
    expect(problems(() => reader.read({ params: {}, query: {}, fromQuery: false, body }))).toEqual([
      "body.__proto__: is not an input field of this tool",
      "body.guests: is required",
    ]);
  });
});

describe("date input", () => {
  // The Date-based definition the fast check replaces: the text names a real calendar day.
  const viaDate = (v: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(v) &&
    !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()) &&
    new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

  it("accepts exactly the real calendar days", () => {
    const text = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (v) => expect(isDate(v)).toBe(viaDate(v))),
      { numRuns: 5000 },
    );
    for (const v of ["2024-02-29", "2000-02-29", "1900-02-28", "0000-02-29"]) expect(isDate(v)).toBe(true);
    for (const v of ["2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-1-01", " 2024-01-01"])
      expect(isDate(v)).toBe(false);
  });
});

describe("input the database would alter is refused at its path", () => {
  const text = createInputReader({ name: { type: "string" }, data: { type: "json", optional: true } });
  const body = (b: Record<string, unknown>) => () => text.read({ params: {}, query: {}, body: b, fromQuery: false });

  it("a NUL character, in a string field or anywhere in a json value", () => {
    expect(problems(body({ name: "Ada\u0000" }))).toEqual(["body.name: contains a NUL character (U+0000), which cannot be stored"]);
    expect(problems(body({ name: "Ada", data: { list: ["ok", "x\u0000"] } }))).toEqual([
      "body.data.list.1: contains a NUL character (U+0000), which cannot be stored",
    ]);
    expect(problems(body({ name: "Ada", data: { "k\u0000": 1 } }))).toEqual([
      "body.data.k\\u0000: contains a NUL character (U+0000), which cannot be stored",
    ]);
  });

  it("a lone surrogate (not a pair), high or low", () => {
    const lone = "contains a lone surrogate (not valid Unicode), which would be stored altered";
    expect(problems(body({ name: "a\ud800b" }))).toEqual([`body.name: ${lone}`]);
    expect(problems(body({ name: "\udc00" }))).toEqual([`body.name: ${lone}`]);
    expect(text.read({ params: {}, query: {}, body: { name: "😀 Ada" }, fromQuery: false }).name).toBe("😀 Ada");
  });

  it("from the path and the query too", () => {
    const query = createInputReader({ q: { type: "string", optional: true } });
    expect(problems(() => query.read({ params: {}, query: { q: "a\u0000" }, body: undefined, fromQuery: true }))).toEqual([
      "query.q: contains a NUL character (U+0000), which cannot be stored",
    ]);
  });

  it("a query parameter of a tool that reads its body is refused like an unknown body field", () => {
    expect(problems(() => text.read({ params: {}, query: { debug: "1" }, body: { name: "Ada" }, fromQuery: false }))).toEqual([
      "query.debug: is not an input field of this tool (it reads its input from the body)",
    ]);
  });
});
