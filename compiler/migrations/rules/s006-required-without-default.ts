import type { SchemaChangeRule } from "./rule";

export const S006: SchemaChangeRule = {
  id: "S006",
  level: "red",
  title: "a field becomes required (or a required field is added) without a default: existing rows have no value",
  hint: "give the field a `default`, or keep it `optional: true`, or acknowledge with `allowDataLoss: { reason }` when the table is empty",
  check: (c) => {
    if (c.kind === "addColumn" && !c.column.nullable && c.column.default === undefined) {
      return `adding required ${c.entity}.${c.column.rowName} without a default fails if ${c.table} has rows`;
    }
    if (c.kind === "setNotNull" && c.column.default === undefined) {
      return `making ${c.entity}.${c.column.rowName} required without a default fails if a row has no value`;
    }
    return undefined;
  },
};
