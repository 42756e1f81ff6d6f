import type { SchemaChangeRule } from "./rule";

export const S005: SchemaChangeRule = {
  id: "S005",
  level: "red",
  title: "a status state is removed: rows in that state make the migration fail",
  hint: "transition rows out of the state first, then remove it with `allowDataLoss: { reason }`",
  check: (c) =>
    c.kind === "removeStates" ? `removing state ${c.states.join(", ")} from ${c.entity} fails if a row is still in it` : undefined,
};
