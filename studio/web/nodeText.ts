/** One line saying what a flow node does, and the glyph its type is drawn with. */
export const TYPE_GLYPH: Record<string, string> = {
  read: "⤓",
  write: "✎",
  transform: "ƒ",
  if: "◇",
  switch: "⋔",
  retry: "↻",
  transaction: "▣",
  payment: "¤",
  email: "✉",
  http: "⇄",
  policyCheck: "⚑",
  assert: "✓",
  sql: "⌘",
};

export function nodeLine(spec: Record<string, unknown>): string {
  const s = (key: string): string => (typeof spec[key] === "string" ? (spec[key] as string) : "");
  switch (spec["type"]) {
    case "read":
      return `${s("entity")}${spec["one"] ? " (one)" : ""}${spec["lock"] ? ` · lock ${s("lock")}` : ""}`;
    case "write":
      return `${s("action")} ${s("entity")}${spec["to"] ? ` → ${s("to")}` : ""}`;
    case "transform":
      return s("value");
    case "if":
    case "assert":
      return s("condition");
    case "switch":
      return s("value");
    case "payment":
      return `${s("action")} ${s("amount")}`.trim();
    case "email":
      return `to ${s("to")}`;
    case "http":
      return `${s("method")} ${s("url")}`;
    case "policyCheck":
      return s("policy") || s("rule");
    case "sql":
      return `${s("mode")}: ${s("query")}`;
    default:
      return s("description");
  }
}

/** The outcomes a branch node's edges are labelled with (one source handle each). */
export function branchOutcomes(spec: Record<string, unknown>): { label: string; value: string | number | boolean }[] | null {
  if (spec["type"] === "if")
    return [
      { label: "true", value: true },
      { label: "false", value: false },
    ];
  if (spec["type"] === "switch") {
    const cases = Array.isArray(spec["cases"]) ? (spec["cases"] as (string | number | boolean)[]) : [];
    return [...cases.map((c) => ({ label: String(c), value: c })), { label: "default", value: "default" }];
  }
  return null;
}
