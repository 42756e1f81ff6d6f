import type { SchemaChangeRule } from "./rule";
import { typeChangeKind } from "../type-changes";

export const S003: SchemaChangeRule = {
  id: "S003",
  level: "red",
  title: "a field's type is narrowed or changed to one its values may not convert to",
  hint: "add a new field of the new type and copy the values in a tool, or acknowledge with `allowDataLoss: { reason }`",
  check: (c) =>
    c.kind === "alterColumnType" && typeChangeKind(c.from, c.column.type) === "narrowing"
      ? `changing ${c.entity}.${c.column.rowName} from ${c.from} to ${c.column.type} can fail or lose data for existing values`
      : undefined,
};
