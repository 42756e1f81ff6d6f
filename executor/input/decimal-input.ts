/**
 * A decimal input field: a JSON number or a string, refused rather than altered. PostgreSQL would
 * round a value with more digits after the point than the column's scale (0.001 into
 * numeric(10,2) is stored as 0.00) and refuse one with too many before it, so each is a problem
 * at the field's path saying what the value has and what the field allows. Digits are counted on
 * the exact value, never the text or a double: 1e-7 has 7 digits after the point, 1.5E+2 has none.
 * Past the 1000 digits on either side that any decimal may have (loader/cel/decimal.ts) it is refused too.
 */
import { z } from "zod";
import { Decimal } from "decimal.js";
import type { InputFieldSpec } from "../../language/field";
import { CelDecimal, MAX_DIGITS, parseDecimal } from "../../loader/cel/decimal";

type DecimalField = Extract<InputFieldSpec, { type: "decimal" }>;

/** Plain notation or an exponent form, as a JSON number's text may be (1e-7, 1.5E+2). */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** Far past what MAX_DIGITS allows and far within what decimal.js reads exactly. */
const HUGE_EXPONENT = 1_000_000;

export function decimalSchema(f: DecimalField): z.ZodType {
  const scale = effectiveScale(f);
  return (
    z
      .union([z.number().refine(Number.isFinite, "must be a finite number"), z.string().regex(DECIMAL_TEXT, "must be a decimal number")])
      .transform((v) => String(v))
      .superRefine((text, ctx) => {
        for (const message of decimalProblems(text, f, scale)) ctx.addIssue({ code: "custom", message });
      })
      // With the field's scale, as the database would give it back ("20" → "20.00"): the tool then
      // sees, echoes and stores the same text. decimalProblems made sure nothing is rounded.
      .transform((text) => {
        const parsed = parseDecimal(text);
        return (scale === undefined ? parsed : new CelDecimal(parsed.value, scale)).toString();
      })
  );
}

/**
 * The scale the value is stored with: the field's, else 0 when it gives a precision (numeric(p)
 * is numeric(p,0), as compiler/schema/types.ts declares it), else none (numeric keeps any).
 */
function effectiveScale(f: DecimalField): number | undefined {
  return f.scale ?? (f.precision !== undefined ? 0 : undefined);
}

function decimalProblems(text: string, f: DecimalField, scale: number | undefined): string[] {
  // decimal.js reads the text exactly (construction never rounds) while its exponent stays within
  // ±9e15; past that it would give Infinity or 0, so such a value is refused from its text.
  const exponent = Number(/e([-+]?\d+)$/i.exec(text)?.[1] ?? "0");
  if (Math.abs(exponent) > HUGE_EXPONENT) return [`has more than ${MAX_DIGITS} digits ${exponent > 0 ? "before" : "after"} the point`];
  const exact = new Decimal(text);
  const after = exact.decimalPlaces();
  const before = exact.abs().lt(1) ? 0 : exact.e + 1;
  const afterAllowed = Math.min(scale ?? MAX_DIGITS, MAX_DIGITS);
  const beforeAllowed = Math.min(f.precision === undefined ? MAX_DIGITS : f.precision - (scale ?? 0), MAX_DIGITS);
  const problems: string[] = [];
  if (after > afterAllowed) problems.push(`has ${digits(after)} after the point; at most ${afterAllowed}`);
  if (before > beforeAllowed) problems.push(`has ${digits(before)} before the point; at most ${beforeAllowed}`);
  // Compared exactly: as doubles, 10.000000000000000001 would pass a max of 10.
  if ((f.min !== undefined && exact.lt(f.min)) || (f.max !== undefined && exact.gt(f.max)))
    problems.push(`must be between ${f.min ?? "-∞"} and ${f.max ?? "∞"}`);
  return problems;
}

function digits(n: number): string {
  return n === 1 ? "1 digit" : `${n} digits`;
}
