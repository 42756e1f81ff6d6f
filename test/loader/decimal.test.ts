/**
 * The CEL decimal type, evaluated through the same base environment the checker and the
 * executor use. Exactness is checked against oracles that never touch decimal.js: integers
 * scaled by a power of ten (BigInt) and digit strings whose point is shifted by hand.
 */
import fc from "fast-check";
import { data as currencies } from "currency-codes";
import { createBaseEnvironment, createToolEnvironment } from "../../loader/cel/environment";
import { currencyExponent } from "../../loader/cel/currencies";
import { CelDecimal } from "../../loader/cel/decimal";

const env = createToolEnvironment(createBaseEnvironment([]), { input: { a: "string", b: "string", currency: "string", n: "int" } });
const evaluate = (expression: string, input: Record<string, unknown> = {}) =>
  env.evaluate(expression, {
    input: { a: "0", b: "0", currency: "EUR", n: 0n, ...input },
    caller: { id: "c", roles: [], claims: {} },
    now: new Date(),
  });
const text = (expression: string, input?: Record<string, unknown>) => String(evaluate(`string(${expression})`, input));
const failure = (expression: string, input?: Record<string, unknown>) => {
  try {
    evaluate(expression, input);
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
  throw new Error(`${expression} did not fail`);
};

/** A decimal as its digits and scale: "-12.340" is { units: -12340n, scale: 3 }. */
interface Scaled {
  units: bigint;
  scale: number;
}

const scaledText = ({ units, scale }: Scaled): string => {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, "0");
  const sign = units < 0n ? "-" : "";
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
};
const rescale = (x: Scaled, scale: number): bigint => x.units * 10n ** BigInt(scale - x.scale);

/** Random decimals with scale ≤ 4, trailing zeros and negative zero included. */
const scaled: fc.Arbitrary<Scaled> = fc.record({
  units: fc.oneof(fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }), fc.bigInt({ min: -1000n, max: 1000n })),
  scale: fc.integer({ min: 0, max: 4 }),
});

describe("decimal arithmetic is exact", () => {
  it("adds the way doubles cannot", () => {
    expect(evaluate("decimal('0.1') + decimal('0.2') == decimal('0.3')")).toBe(true);
    expect(evaluate("0.1 + 0.2 == 0.3")).toBe(false);
    expect(evaluate("minorUnits(decimal('19.99'), 'eur')")).toBe(1999n);
    expect(evaluate("int(19.99 * 100.0)")).toBe(1998n);
  });

  it("gives + - * the exact value, with PostgreSQL's result scale", () => {
    fc.assert(
      fc.property(scaled, scaled, (a, b) => {
        const input = { a: scaledText(a), b: scaledText(b) };
        const sumScale = Math.max(a.scale, b.scale);
        expect(text("decimal(input.a) + decimal(input.b)", input)).toBe(
          scaledText({ units: rescale(a, sumScale) + rescale(b, sumScale), scale: sumScale }),
        );
        expect(text("decimal(input.a) - decimal(input.b)", input)).toBe(
          scaledText({ units: rescale(a, sumScale) - rescale(b, sumScale), scale: sumScale }),
        );
        expect(text("decimal(input.a) * decimal(input.b)", input)).toBe(scaledText({ units: a.units * b.units, scale: a.scale + b.scale }));
        const order = Math.sign(Number(rescale(a, sumScale) - rescale(b, sumScale)));
        expect([
          evaluate("decimal(input.a) < decimal(input.b)", input),
          evaluate("decimal(input.a) == decimal(input.b)", input),
          evaluate("decimal(input.a) > decimal(input.b)", input),
        ]).toEqual([order < 0, order === 0, order > 0]);
      }),
    );
  });

  it("mixes with ints exactly, in either order", () => {
    fc.assert(
      fc.property(scaled, fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (a, n) => {
        const input = { a: scaledText(a), n };
        expect(text("decimal(input.a) * input.n", input)).toBe(scaledText({ units: a.units * n, scale: a.scale }));
        expect(text("input.n * decimal(input.a)", input)).toBe(scaledText({ units: a.units * n, scale: a.scale }));
        expect(text("decimal(input.a) + input.n", input)).toBe(
          scaledText({ units: a.units + rescale({ units: n, scale: 0 }, a.scale), scale: a.scale }),
        );
        expect(text("input.n - decimal(input.a)", input)).toBe(
          scaledText({ units: rescale({ units: n, scale: 0 }, a.scale) - a.units, scale: a.scale }),
        );
        expect(evaluate("decimal(input.a) >= input.n", input)).toBe(a.units >= rescale({ units: n, scale: 0 }, a.scale));
      }),
    );
  });

  it("rounds half away from zero, floors toward -∞ and ceils toward +∞, to the scale asked", () => {
    fc.assert(
      fc.property(scaled, fc.integer({ min: 0, max: 5 }), (a, to) => {
        const input = { a: scaledText(a), n: BigInt(to) };
        const drop = 10n ** BigInt(Math.max(0, a.scale - to));
        const up = 10n ** BigInt(Math.max(0, to - a.scale));
        const magnitude = a.units < 0n ? -a.units : a.units;
        const [whole, rest] = [magnitude / drop, magnitude % drop];
        const sign = a.units < 0n ? -1n : 1n;
        const rounded = sign * (rest * 2n >= drop && rest > 0n ? whole + 1n : whole) * up;
        const toward = (positive: boolean) => sign * (rest > 0n && sign > 0n === positive ? whole + 1n : whole) * up;
        expect(text("round(decimal(input.a), input.n)", input)).toBe(scaledText({ units: rounded, scale: to }));
        expect(text("ceil(decimal(input.a), input.n)", input)).toBe(scaledText({ units: toward(true), scale: to }));
        expect(text("floor(decimal(input.a), input.n)", input)).toBe(scaledText({ units: toward(false), scale: to }));
      }),
    );
    expect([
      text("round(decimal('0.125'), 2)"),
      text("round(decimal('-0.125'), 2)"),
      text("round(decimal('19.995'), 2)"),
      text("round(decimal('2.5'), 0)"),
    ]).toEqual(["0.13", "-0.13", "20.00", "3"]);
    expect(failure("round(decimal('1.5'), -1)")).toContain("the scale must be between 0 and 1000");
  });

  it("keeps scales the way a numeric column prints them", () => {
    expect(text("decimal('20.00') * 2")).toBe("40.00");
    expect(text("decimal('19.99') * decimal('1.5')")).toBe("29.985");
    expect(text("decimal('20') + decimal('0.10')")).toBe("20.10");
    expect(text("-decimal('0.50')")).toBe("-0.50");
    expect(evaluate("decimal('20.0') == decimal('20.00') && decimal('1.00') == 1 && 2 > decimal('1.99')")).toBe(true);
    expect(evaluate("decimal('19.99')")).toBeInstanceOf(CelDecimal);
  });

  it("refuses a result no numeric column could hold, instead of rounding it", () => {
    const big = `1${"0".repeat(600)}`;
    const tiny = `0.${"0".repeat(600)}1`;
    expect(failure(`decimal('${big}') * decimal('${big}')`)).toBe("decimal result has more than 1000 digits before the point");
    expect(failure(`decimal('${tiny}') * decimal('${tiny}')`)).toBe("decimal result has more than 1000 digits after the point");
    // Within the bounds every digit is kept: 10^600 + 10^-601 has 1202 significant digits.
    expect(text(`decimal('${big}') + decimal('${tiny}')`)).toBe(`${big}.${"0".repeat(600)}1`);
    const wide = `1${"0".repeat(449)}1`;
    expect(text(`decimal('${wide}') * decimal('${wide}')`)).toBe(`1${"0".repeat(449)}2${"0".repeat(449)}1`);
  });
});

describe("decimal conversions are explicit and exact", () => {
  it("converts from strings in plain notation, ints and doubles (their shortest text)", () => {
    expect([
      text("decimal('-12.50')"),
      text("decimal(7)"),
      text("decimal(0.1)"),
      text("decimal(0.1 + 0.2)"),
      text("decimal(decimal('1.0'))"),
    ]).toEqual(["-12.50", "7", "0.1", "0.30000000000000004", "1.0"]);
    expect(failure("decimal('1e3')")).toContain(`expected digits with an optional point and sign`);
    expect(failure("decimal('twelve')")).toContain(`expected digits with an optional point and sign`);
    expect(failure("decimal(1.0 / 0.0)")).toContain("not a finite number");
  });

  it("converts to double, string and int (whole numbers only)", () => {
    expect(evaluate("double(decimal('0.29'))")).toBe(0.29);
    expect(evaluate("int(decimal('12.00'))")).toBe(12n);
    expect(failure("int(decimal('12.5'))")).toContain("not a whole number; round it first");
    expect(failure(`int(decimal('${"9".repeat(20)}'))`)).toContain("does not fit in a 64-bit int");
  });
});

describe("minorUnits", () => {
  const payable = currencies.map((c) => c.code).filter((code) => "exponent" in currencyExponent(code));
  const anyCode = fc.constantFrom(...currencies.map((c) => c.code));
  /** A decimal's text, built from digit strings: "0.290", "-1234567.89", "500". */
  const amount = fc
    .record({
      negative: fc.boolean(),
      whole: fc.oneof(fc.constantFrom("0", "1", "19", "1234567"), fc.stringMatching(/^[1-9]\d{0,11}$/)),
      fraction: fc.stringMatching(/^\d{0,4}$/),
    })
    .map(({ negative, whole, fraction }) => `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`);

  /** The oracle: shift the point in the digit string; trailing zeros after it do not count. */
  function shiftPoint(value: string, exponent: number): bigint | "too many digits" {
    const negative = value.startsWith("-");
    const [whole = "", fraction = ""] = value.replace(/^-/, "").split(".");
    const significant = fraction.replace(/0+$/, "");
    if (significant.length > exponent) return "too many digits";
    const units = BigInt(whole + significant.padEnd(exponent, "0"));
    return negative ? -units : units;
  }

  it("equals the amount with the point shifted by the currency's ISO 4217 exponent, or refuses", () => {
    fc.assert(
      fc.property(amount, anyCode, fc.boolean(), (value, code, lower) => {
        const currency = lower ? code.toLowerCase() : code;
        const found = currencyExponent(code);
        let actual: unknown;
        try {
          actual = evaluate("minorUnits(decimal(input.a), input.currency)", { a: value, currency });
        } catch (error) {
          actual = (error as Error).message.split("\n")[0];
        }
        if (!("exponent" in found)) return expect(actual).toBe(`minorUnits: ${found.error}`);
        const expected = shiftPoint(value, found.exponent);
        if (expected === "too many digits")
          expect(actual).toContain(`${code} has ${found.exponent} decimal places; round the amount first`);
        else expect(actual).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect(payable.length).toBeGreaterThan(150);
  });

  it("charges the example's prices to the cent", () => {
    const cases = [
      ["19.99", "EUR", 1999n],
      ["0.29", "eur", 29n],
      ["1.15", "EUR", 115n],
      ["1234567.89", "EUR", 123456789n],
      ["500", "JPY", 500n],
      ["1.234", "KWD", 1234n],
      ["19.990", "EUR", 1999n],
      ["0.0001", "CLF", 1n],
    ] as const;
    for (const [a, currency, units] of cases)
      expect([a, currency, evaluate("minorUnits(decimal(input.a), input.currency)", { a, currency })]).toEqual([a, currency, units]);
  });

  it("refuses a fraction of a minor unit, an unknown code and a currency without minor unit", () => {
    expect(failure("minorUnits(decimal('19.995'), 'eur')")).toBe(
      "minorUnits(19.995, 'eur'): EUR has 2 decimal places; round the amount first, e.g. round(x, 2)",
    );
    expect(failure("minorUnits(decimal('1.5'), 'JPY')")).toContain("JPY has 0 decimal places");
    expect(failure("minorUnits(decimal('1'), 'ZZZ')")).toBe(`minorUnits: "ZZZ" is not an ISO 4217 currency code`);
    expect(failure("minorUnits(decimal('1'), 'xau')")).toBe("minorUnits: XAU has no minor unit in ISO 4217 and cannot be paid in");
  });
});
