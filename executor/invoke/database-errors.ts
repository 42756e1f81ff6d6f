/**
 * Database refusals → the contract's errors, naming the spec rule behind the constraint (the
 * schema compiler gives every constraint and guard check a name that maps back to its rule):
 * unique and noOverlap → 409 CONFLICT; invariant CHECKs, field checks and immutables → 422
 * INVARIANT_VIOLATED; the status machine → 422 INVALID_TRANSITION; foreign keys → 422
 * INVALID_REFERENCE. Serialization failures and deadlocks are `conflict` (retried as the plan
 * says), a cancelled statement is the deadline, a lost connection is 503. Messages never echo
 * the row's values (PostgreSQL's DETAIL does, so it is not passed on).
 */
import { guardConstraintName } from "../../compiler/schema/guard";
import { statusRowName } from "../../compiler/schema/crud";
import type { Table } from "../../compiler/schema/model";
import { isConnectionFailure, isStalePlan } from "../../database/connection-failure";
import { databaseErrorFields } from "../../database/types";
import { ToolError, type ErrorDetail, type ExecutorErrorCode } from "../errors/catalogue";
import { FlowError } from "../errors/flow-error";
import { KEY_LOST_SQLSTATE, keyLostError } from "../store/idempotency-store";

interface Refusal {
  readonly code: ExecutorErrorCode;
  readonly entity: string;
  readonly rule: string;
  /** Fixed message (invariants have the spec's); otherwise the database's own (guard checks). */
  readonly message?: string;
}

export type RefusalIndex = ReadonlyMap<string, Refusal>;

export function buildRefusalIndex(tables: readonly Table[]): RefusalIndex {
  const index = new Map<string, Refusal>();
  for (const table of tables) {
    const invariantMessages = new Map(table.sqlInvariants.map((i) => [i.constraint, i.message]));
    for (const c of table.constraints) {
      const base = { entity: table.entity, rule: c.rule };
      switch (c.kind) {
        case "unique":
          index.set(c.name, { ...base, code: "CONFLICT", message: `${table.entity}: another row already has these values (${c.rule})` });
          break;
        case "exclusion":
          index.set(c.name, { ...base, code: "CONFLICT", message: `${table.entity}: the write overlaps an existing row (${c.rule})` });
          break;
        case "foreignKey":
          index.set(c.name, { ...base, code: "INVALID_REFERENCE" });
          break;
        case "check":
          if (c.rule.startsWith("status "))
            index.set(c.name, {
              ...base,
              code: "INVALID_TRANSITION",
              message: `${table.entity}: not a state of its status machine (${c.rule})`,
            });
          else
            index.set(c.name, {
              ...base,
              code: "INVARIANT_VIOLATED",
              message: invariantMessages.get(c.name) ?? `${table.entity}: ${c.rule} is not met`,
            });
          break;
        case "primaryKey":
          index.set(c.name, { ...base, code: "CONFLICT", message: `${table.entity}: a row with this id already exists` });
          break;
      }
    }
    if (table.status) {
      const field = statusRowName(table);
      index.set(guardConstraintName(table.name, table.status.column, "transition"), {
        code: "INVALID_TRANSITION",
        entity: table.entity,
        rule: `status ${field}: transitions`,
      });
      index.set(guardConstraintName(table.name, table.status.column, "initial"), {
        code: "INVALID_TRANSITION",
        entity: table.entity,
        rule: `status ${field}: initial`,
      });
    }
    for (const column of ["id", "created_at", ...table.immutableColumns]) {
      const name = table.columns.find((c) => c.name === column)?.rowName ?? column;
      index.set(guardConstraintName(table.name, column, "immutable"), {
        code: "INVARIANT_VIOLATED",
        entity: table.entity,
        rule: `field ${name}: immutable`,
      });
    }
  }
  return index;
}

const SERIALIZATION = new Set(["40001", "40P01"]);

export function isDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

/** A raw database error → a FlowError; `node` names the node whose statement was refused. */
/** The message of a lost connection; the invocation adds what committed before it (committed-answer.ts). */
export const CONNECTION_LOST_MESSAGE = "the database connection was lost";

export function mapDatabaseError(error: unknown, refusals: RefusalIndex, tables: readonly Table[], node?: string): FlowError {
  const fields = databaseErrorFields(error);
  const code = fields.code ?? "";
  const at: ErrorDetail = { message: "", ...(node ? { node } : {}) };
  const refusal = fields.constraint ? refusals.get(fields.constraint) : undefined;
  if (refusal && code.startsWith("23")) {
    let message = refusal.message ?? fields.message;
    if (refusal.code === "INVALID_REFERENCE") {
      message = /still referenced/.test(fields.detail ?? fields.message)
        ? `${refusal.entity}: the row is still referenced (${refusal.rule})`
        : `${refusal.entity}: ${refusal.rule} refers to a row that does not exist`;
    }
    return FlowError.from(
      ToolError.of(refusal.code, message, [{ ...at, message, entity: refusal.entity, rule: refusal.rule }]),
      "permanent",
    );
  }
  const table = code === "23502" ? tables.find((t) => t.name === fields.table) : undefined;
  if (table) {
    const column = table.columns.find((c) => c.name === fields.column);
    const message = `${table.entity}.${column?.rowName ?? fields.column ?? "a field"} is required`;
    return FlowError.from(
      ToolError.of("INVARIANT_VIOLATED", message, [
        { ...at, message, entity: table.entity, rule: `field ${column?.rowName ?? fields.column}: required` },
      ]),
      "permanent",
    );
  }
  // A required column of the executor's own tables (the audit chain without its head row) is not the request's fault.
  if (code === "23502")
    return FlowError.from(
      ToolError.of("INTERNAL", undefined, [{ ...at, message: `database error 23502 on ${fields.table ?? "a table"}` }]),
      "permanent",
    );
  if (code.startsWith("23")) {
    const message = `the database refused the write (${fields.constraint ?? code})`;
    return FlowError.from(ToolError.of("CONFLICT", message, [{ ...at, message }]), "permanent");
  }
  // The key's row checked in SQL (fascia_expect) with the statements sent with the final COMMIT.
  if (code === KEY_LOST_SQLSTATE) return FlowError.from(keyLostError(), "permanent");
  if (SERIALIZATION.has(code)) {
    const message = code === "40P01" ? "a deadlock with a concurrent invocation" : "a concurrent invocation changed the same rows";
    return FlowError.from(ToolError.of("CONFLICT", `${message}; retry the request`, [{ ...at, message }]), "conflict");
  }
  if (code === "55P03")
    return FlowError.from(
      ToolError.of("CONFLICT", "a row is locked by a concurrent invocation", [{ ...at, message: "lock not available" }]),
      "conflict",
    );
  if (code === "57014")
    return FlowError.from(
      ToolError.of("DEADLINE_EXCEEDED", undefined, [{ ...at, message: "the database statement was cancelled at the deadline" }]),
      "timeout",
    );
  if (code.startsWith("22")) {
    const message = `a value does not fit its column: ${fields.message.split("\n")[0]}`;
    return FlowError.from(ToolError.of("INVARIANT_VIOLATED", message, [{ ...at, message }]), "permanent");
  }
  if (isStalePlan(error)) {
    const message = "a migration changed a column's type under a prepared statement; nothing was committed, retry the request";
    return FlowError.from(ToolError.of("UNAVAILABLE", message, [{ ...at, message: "prepared statement outdated" }]), "unavailable");
  }
  if (isConnectionFailure(error)) {
    return FlowError.from(ToolError.of("UNAVAILABLE", CONNECTION_LOST_MESSAGE, [{ ...at, message: "connection lost" }]), "unavailable");
  }
  return FlowError.from(
    ToolError.of("INTERNAL", undefined, [{ ...at, message: `database error ${code || "without a code"}` }]),
    "permanent",
  );
}
