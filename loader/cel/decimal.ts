/**
 * The CEL `decimal` type: exact decimal numbers for money, so 19.99 EUR charges 1999 cents and
 * never 1998 (a double holds 19.99 as 19.989999…). Arithmetic is decimal.js's; this module only
 * decides which operations exist, what scale their results carry, and when they refuse.
 *
 * A value is a number and a scale (digits after the point), as a PostgreSQL `numeric` is: a
 * row's `"20.00"` stays `20.00`, so a response renders it with its field's scale. Results take
 * PostgreSQL's scales: `+`/`-` the larger of the two, `*` their sum, `round`/`floor`/`ceil` the
 * one asked for; an int has scale 0. Equality and ordering compare values (20.0 == 20.00).
 *
 * What is offered (docs/spec-language.md, "Decimals"):
 * - `+ - *` and unary `-` between decimals, and between a decimal and an int (an int is exact,
 *   so `nightlyRate * nights` needs no conversion); never with a double, which must be converted
 *   explicitly (`decimal(x)` or `double(d)`): the checker says so at the operator.
 * - `== != < <= > >=` between decimals, and with an int.
 * - no `/` and no `%`: a quotient such as 10 / 3 has no exact decimal, so a division would have
 *   to round silently; split an amount by multiplying, or go through double(...) and back with
 *   an explicit round(decimal(...), scale).
 * - `round(x, scale)` rounds half away from zero (19.995 → 20.00, -0.125 → -0.13): what
 *   PostgreSQL's round(numeric, s) does, so an invariant's CHECK and the executor agree, and what
 *   commercial rounding means. `floor` rounds toward -∞ and `ceil` toward +∞.
 * - `decimal(string)` (plain notation `-12.50`), `decimal(int)`, `decimal(double)` (the double's
 *   shortest round-trip text, so `decimal(0.1)` is 0.1), `string(d)` (with its scale),
 *   `double(d)` (nearest double), `int(d)` (only a whole number: `int(19.99)` is an error, not 19).
 * - `minorUnits(amount, currency)` → int: the amount in the currency's minor units by its ISO
 *   4217 exponent; an amount that is not a whole number of minor units (19.995 EUR) is an error,
 *   never rounded.
 *
 * Every result is exact or an error: a value has at most MAX_DIGITS digits before the point and
 * MAX_DIGITS after it (more than any numeric column declares), and a result beyond that fails
 * instead of being rounded.
 */
import { Decimal } from "decimal.js";
import { EvaluationError, type Environment } from "@marcbachmann/cel-js";
import { currencyExponent } from "./currencies";

/** PostgreSQL's largest declared numeric precision: the bound on digits before and after the point. */
export const MAX_DIGITS = 1000;

/**
 * decimal.js rounds every result to `precision` significant digits. Operands have at most
 * MAX_DIGITS digits on each side of the point (`checked`), so a product has at most 4 × MAX_DIGITS
 * significant digits and a sum fewer: at this working precision decimal.js never rounds. The
 * exponent range is widened so it never switches to 1e+21 text.
 */
const Exact = Decimal.clone({
  precision: 4 * MAX_DIGITS + 8,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  minE: -9e15,
  maxE: 9e15,
});
type Exact = InstanceType<typeof Exact>;

/** A CEL decimal value (registered with cel-js by its constructor, so it must be this class). */
export class CelDecimal {
  constructor(
    readonly value: Exact,
    readonly scale: number,
  ) {}

  /** The value with its scale, as PostgreSQL prints a numeric: "20.00", "-0.50", "1999". */
  toString(): string {
    return this.value.toFixed(this.scale);
  }

  /** Decimals travel as strings in JSON, so a value that reaches JSON.stringify stays exact. */
  toJSON(): string {
    return this.toString();
  }
}

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

function fail(message: string): never {
  throw new EvaluationError(message);
}

/** Every decimal is made here: its digits after the point never exceed its scale (results' scales are chosen so). */
function checked(value: Exact, scale: number): CelDecimal {
  if (!value.isZero() && value.e >= MAX_DIGITS) fail(`decimal result has more than ${MAX_DIGITS} digits before the point`);
  if (scale > MAX_DIGITS) fail(`decimal result has more than ${MAX_DIGITS} digits after the point`);
  return new CelDecimal(value, scale);
}

/**
 * Text from the database or a tool's input: plain notation, or the exponent form a JSON number
 * such as 1e21 turns into. The scale is the number of digits written after the point.
 */
export function parseDecimal(text: string): CelDecimal {
  const trimmed = text.trim();
  let value: Exact;
  try {
    value = new Exact(trimmed);
  } catch {
    return fail(`"${text}" is not a decimal number`);
  }
  if (!value.isFinite()) fail(`"${text}" is not a finite decimal number`);
  const written = PLAIN_DECIMAL.test(trimmed) ? (trimmed.split(".")[1]?.length ?? 0) : Math.max(0, value.decimalPlaces());
  return checked(value, written);
}

/** `decimal(string)`: only plain notation, so an author's literal reads as what it is. */
function fromString(text: string): CelDecimal {
  if (!PLAIN_DECIMAL.test(text)) fail(`decimal("${text}"): expected digits with an optional point and sign, such as "19.99"`);
  return parseDecimal(text);
}

function decimalFromInt(value: bigint): CelDecimal {
  return checked(new Exact(value.toString()), 0);
}

/** The double's shortest round-trip text is what the author wrote (0.1, not 0.1000000000000000055…). */
function fromDouble(value: number): CelDecimal {
  if (!Number.isFinite(value)) fail(`decimal(${value}): not a finite number`);
  const exact = new Exact(value);
  return checked(exact, Math.max(0, exact.decimalPlaces()));
}

type Operand = CelDecimal | bigint;
// A CEL int has at most 19 digits, well within MAX_DIGITS.
const valueOf = (x: Operand): Exact => (typeof x === "bigint" ? new Exact(x.toString()) : x.value);
const scaleOf = (x: Operand): number => (typeof x === "bigint" ? 0 : x.scale);

function add(a: Operand, b: Operand): CelDecimal {
  return checked(valueOf(a).plus(valueOf(b)), Math.max(scaleOf(a), scaleOf(b)));
}

function subtract(a: Operand, b: Operand): CelDecimal {
  return checked(valueOf(a).minus(valueOf(b)), Math.max(scaleOf(a), scaleOf(b)));
}

function multiply(a: Operand, b: Operand): CelDecimal {
  return checked(valueOf(a).times(valueOf(b)), scaleOf(a) + scaleOf(b));
}

function compare(a: Operand, b: Operand): number {
  return valueOf(a).comparedTo(valueOf(b));
}

type RoundingName = "round" | "floor" | "ceil";
const ROUNDING: Record<RoundingName, Decimal.Rounding> = {
  round: Decimal.ROUND_HALF_UP,
  floor: Decimal.ROUND_FLOOR,
  ceil: Decimal.ROUND_CEIL,
};

function roundTo(x: CelDecimal, scale: bigint, how: RoundingName): CelDecimal {
  if (scale < 0n || scale > BigInt(MAX_DIGITS)) fail(`${how}(x, ${scale}): the scale must be between 0 and ${MAX_DIGITS}`);
  const digits = Number(scale);
  return checked(x.value.toDecimalPlaces(digits, ROUNDING[how]), digits);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toInt(x: Exact, what: string): bigint {
  const n = BigInt(x.toFixed(0));
  if (n < INT64_MIN || n > INT64_MAX) fail(`${what} does not fit in a 64-bit int`);
  return n;
}

function decimalToInt(x: CelDecimal): bigint {
  if (!x.value.isInteger()) fail(`int(${x}): not a whole number; round it first, e.g. int(round(x, 0))`);
  return toInt(x.value, `int(${x})`);
}

/** `minorUnits(amount, currency)`: 19.99 EUR → 1999, 500 JPY → 500, 1.234 KWD → 1234. */
function minorUnits(amount: CelDecimal, currency: string): bigint {
  const found = currencyExponent(currency);
  if ("error" in found) return fail(`minorUnits: ${found.error}`);
  const shifted = amount.value.times(new Exact(10).pow(found.exponent));
  if (!shifted.isInteger()) {
    fail(
      `minorUnits(${amount}, '${currency}'): ${currency.toUpperCase()} has ${found.exponent} decimal places; round the amount first, e.g. round(x, ${found.exponent})`,
    );
  }
  return toInt(shifted, `minorUnits(${amount}, '${currency}')`);
}

/**
 * Declares the type, its operators and functions in a CEL environment. Called once on the base
 * environment, which both the checker and the executor build from, so they agree.
 */
export function registerDecimal(env: Environment): void {
  env.registerType("decimal", CelDecimal);
  for (const [op, fn] of [
    ["+", add],
    ["-", subtract],
    ["*", multiply],
  ] as const) {
    env.registerOperator(`decimal ${op} decimal`, fn);
    env.registerOperator(`decimal ${op} int`, fn);
    env.registerOperator(`int ${op} decimal: decimal`, fn);
  }
  env.registerOperator("-decimal", (x: CelDecimal) => new CelDecimal(x.value.negated(), x.scale));
  // `==` registers its reverse and `!=` itself (cel-js registry.binaryOverload).
  env.registerOperator("decimal == decimal", (a: CelDecimal, b: CelDecimal) => compare(a, b) === 0);
  env.registerOperator("decimal == int", (a: CelDecimal, b: bigint) => compare(a, b) === 0);
  const orderings = {
    "<": (c: number) => c < 0,
    "<=": (c: number) => c <= 0,
    ">": (c: number) => c > 0,
    ">=": (c: number) => c >= 0,
  } as const;
  for (const [op, test] of Object.entries(orderings)) {
    env.registerOperator(`decimal ${op} decimal`, (a: Operand, b: Operand) => test(compare(a, b)));
    env.registerOperator(`decimal ${op} int`, (a: Operand, b: Operand) => test(compare(a, b)));
    env.registerOperator(`int ${op} decimal`, (a: Operand, b: Operand) => test(compare(a, b)));
  }
  env.registerFunction("decimal(decimal): decimal", (x: CelDecimal) => x);
  env.registerFunction("decimal(string): decimal", fromString);
  env.registerFunction("decimal(int): decimal", decimalFromInt);
  env.registerFunction("decimal(double): decimal", fromDouble);
  env.registerFunction("string(decimal): string", (x: CelDecimal) => x.toString());
  env.registerFunction("double(decimal): double", (x: CelDecimal) => x.value.toNumber());
  env.registerFunction("int(decimal): int", decimalToInt);
  for (const how of ["round", "floor", "ceil"] as const)
    env.registerFunction(`${how}(decimal, int): decimal`, (x: CelDecimal, scale: bigint) => roundTo(x, scale, how));
  env.registerFunction("minorUnits(decimal, string): int", minorUnits);
}
