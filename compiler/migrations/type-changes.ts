/**
 * Which column type changes keep every value (widening) and which may fail or lose data
 * (narrowing). Types are PostgreSQL's format_type spellings, as in the compiled model.
 */
export type TypeChangeKind = "widening" | "widening-rewrite" | "narrowing";

const numeric = /^numeric(?:\((\d+),(\d+)\))?$/;

export function typeChangeKind(from: string, to: string): TypeChangeKind {
  if (from === to) return "widening";
  if (to === "text") return "widening-rewrite";
  const widerInts: Record<string, string[]> = { integer: ["bigint", "double precision"], bigint: [] };
  if (widerInts[from]?.includes(to)) return "widening-rewrite";
  const toNumeric = numeric.exec(to);
  if ((from === "integer" || from === "bigint") && toNumeric) {
    const digits = toNumeric[1] === undefined ? Infinity : Number(toNumeric[1]) - Number(toNumeric[2]);
    return digits >= (from === "integer" ? 10 : 19) ? "widening-rewrite" : "narrowing";
  }
  const fromNumeric = numeric.exec(from);
  if (fromNumeric && toNumeric) {
    if (toNumeric[1] === undefined) return "widening";
    if (fromNumeric[1] === undefined) return "narrowing";
    const [p1, s1, p2, s2] = [fromNumeric[1], fromNumeric[2], toNumeric[1], toNumeric[2]].map(Number) as [number, number, number, number];
    if (s2 === s1 && p2 >= p1) return "widening";
    if (s2 >= s1 && p2 - s2 >= p1 - s1) return "widening-rewrite";
  }
  return "narrowing";
}

const NUMERIC_TYPES = /^(integer|bigint|double precision|numeric(\(\d+,\d+\))?)$/;
const DIRECT_CASTS = new Set([
  "date>timestamp with time zone",
  "timestamp with time zone>date",
  "integer>boolean",
  "boolean>integer",
  "jsonb>text",
  "text>jsonb",
  "uuid>text",
  "text>uuid",
]);

/**
 * The USING expression of a type change. PostgreSQL checks it even on an empty table, so types
 * without a direct cast go through text (and fail at run time only on a value that does not fit,
 * which S003 flags as Red beforehand).
 */
export function castExpression(column: string, from: string, to: string): string {
  const direct =
    (NUMERIC_TYPES.test(from) && NUMERIC_TYPES.test(to)) || to === "text" || from === "text" || DIRECT_CASTS.has(`${from}>${to}`);
  return direct ? `${column}::${to}` : `${column}::text::${to}`;
}
