import type { SchemaChangeRule } from "./rule";

export const S004: SchemaChangeRule = {
  id: "S004",
  level: "red",
  title: "an enum value is removed: rows holding it make the migration fail",
  hint: "move rows off the value first (a tool), then remove it with `allowDataLoss: { reason }`",
  check: (c) =>
    c.kind === "removeEnumValues"
      ? `removing ${c.values.map((v) => `"${v}"`).join(", ")} from ${c.entity}.${c.field} fails if a row still holds it`
      : undefined,
};
