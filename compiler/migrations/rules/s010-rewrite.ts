import type { SchemaChangeRule } from "./rule";
import { typeChangeKind } from "../type-changes";
import { isVolatileDefault } from "../../schema/types";

export const S010: SchemaChangeRule = {
  id: "S010",
  level: "yellow",
  title: "the change rewrites the whole table under an exclusive lock",
  hint: "deploy at a quiet time; on a large table, add a new field and backfill it in batches instead",
  check: (c) => {
    if (c.kind === "alterColumnType" && typeChangeKind(c.from, c.column.type) === "widening-rewrite") {
      return `changing ${c.entity}.${c.column.rowName} from ${c.from} to ${c.column.type} rewrites ${c.table}; reads and writes wait meanwhile`;
    }
    if (c.kind === "addColumn" && isVolatileDefault(c.column.default)) {
      return `adding ${c.entity}.${c.column.rowName} with a per-row default rewrites ${c.table}; reads and writes wait meanwhile`;
    }
    return undefined;
  },
};
