/** Building blocks shared by every kind of spec document. */
import { z } from "zod";

/** A refinement whose failure carries its own diagnostic code (see diagnostic-codes.ts). */
function convention(pattern: RegExp, what: string, example: string) {
  return z
    .string()
    .refine((v) => pattern.test(v), {
      message: `must be ${what}`,
      params: { code: "FS008", expected: `${what}, e.g. ${example}` },
    })
    .meta({ description: `${what}, e.g. ${example}`, pattern: pattern.source });
}

export const PascalName = convention(/^[A-Z][A-Za-z0-9]*$/, "PascalCase", "Reservation");
export const CamelName = convention(/^[a-z][A-Za-z0-9]*$/, "camelCase", "startDate");
export const NodeId = convention(/^[a-z][A-Za-z0-9_]*$/, "an identifier starting with a lower-case letter", "load");
export const StateName = convention(/^[a-z][A-Za-z0-9_]*$/, "an identifier starting with a lower-case letter", "pending");
export const SecretName = convention(/^[A-Z][A-Z0-9_]*$/, "UPPER_SNAKE_CASE", "PAYMENTS_API_KEY");
export const RuleId = convention(/^[RY][0-9]{3}$/, "a risk rule id", "Y004");

export const Duration = z
  .string()
  .refine((v) => /^[0-9]+(ms|s|m|h)$/.test(v), {
    message: "is not a duration",
    params: { code: "FS006", expected: "a duration such as 250ms, 5s, 2m or 1h" },
  })
  .meta({ description: "A duration: 250ms, 5s, 2m, 1h", pattern: "^[0-9]+(ms|s|m|h)$" });

/** A CEL expression. Syntax and types are checked after the shape of the document is known. */
export const Cel = z.string().min(1).meta({ description: "A CEL expression" });

export const Description = z.string().meta({ description: "Free text for people reading the spec" });

/** Durations in milliseconds, for the compiler and the risk engine. */
export function durationMs(text: string): number {
  const match = /^([0-9]+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * unit;
}
