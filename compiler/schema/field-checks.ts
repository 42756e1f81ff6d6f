/** CHECK constraints implied by field options: min/max, lengths, pattern, format, enum values. */
import type { FieldSpec } from "../../language/field";
import { FORMAT_PATTERNS } from "./formats";
import { objectName, quoteIdent, quoteLiteral } from "./names";
import { translateRegex } from "./regex";

export interface FieldCheck {
  readonly suffix: string;
  readonly expression: string;
  readonly option: string;
}

export type FieldCheckResult = { checks: FieldCheck[]; problems: { option: string; message: string }[] };

function bound(field: FieldSpec, value: number | string): string {
  if (field.type === "date") return `${quoteLiteral(String(value))}::date`;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`bound ${String(value)} is not a number`);
  return String(value);
}

export function fieldChecks(field: FieldSpec, column: string): FieldCheckResult {
  const col = quoteIdent(column);
  const checks: FieldCheck[] = [];
  const problems: { option: string; message: string }[] = [];
  if ("min" in field && field.min !== undefined)
    checks.push({ suffix: "min", option: "min", expression: `${col} >= ${bound(field, field.min)}` });
  if ("max" in field && field.max !== undefined)
    checks.push({ suffix: "max", option: "max", expression: `${col} <= ${bound(field, field.max)}` });
  if (field.type === "string") {
    if (field.minLength !== undefined)
      checks.push({ suffix: "min_length", option: "minLength", expression: `char_length(${col}) >= ${field.minLength}` });
    if (field.maxLength !== undefined)
      checks.push({ suffix: "max_length", option: "maxLength", expression: `char_length(${col}) <= ${field.maxLength}` });
    const patterns: [string, string, string][] = [];
    if (field.pattern !== undefined) patterns.push(["pattern", "pattern", `^(?:${field.pattern})$`]);
    if (field.format !== undefined) patterns.push(["format", "format", FORMAT_PATTERNS[field.format]]);
    for (const [suffix, option, source] of patterns) {
      const translated = translateRegex(source);
      if (translated.ok) checks.push({ suffix, option, expression: `${col} ~ ${quoteLiteral(translated.are)}` });
      else problems.push({ option, message: `the pattern cannot be checked by PostgreSQL the same way: ${translated.reason}` });
    }
  }
  if (field.type === "enum") {
    checks.push({ suffix: "enum", option: "values", expression: `${col} IN (${field.values.map(quoteLiteral).join(", ")})` });
  }
  return { checks, problems };
}

export function fieldCheckName(table: string, column: string, suffix: string): string {
  return objectName(table, [column], suffix);
}
