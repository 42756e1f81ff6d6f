/**
 * SQL names and literals. Every identifier is quoted (an entity may be called `User` or `Order`),
 * every literal in DDL goes through quoteLiteral, and names longer than PostgreSQL's 63-byte limit
 * are shortened with a hash so PostgreSQL never truncates them silently.
 */
import { createHash } from "node:crypto";

export const MAX_IDENTIFIER_BYTES = 63;

/** `startDate` → `start_date`, `HTTPServer` → `http_server`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A standard-conforming string literal (never E''), safe for any text. */
export function quoteLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("a NUL character cannot be stored in PostgreSQL text");
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Constraint and index names: `<table>__<part>__…__<kind>`. Spec names are camelCase or
 * PascalCase, so their snake_case forms never contain `__`: the separator makes names from
 * different tables, columns and kinds distinct by construction.
 */
export function objectName(table: string, parts: readonly string[], kind: string): string {
  return fitName([table, ...parts, kind].join("__"));
}

export function fitName(name: string): string {
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  let head = name.slice(0, MAX_IDENTIFIER_BYTES - 9);
  while (Buffer.byteLength(head) > MAX_IDENTIFIER_BYTES - 9) head = head.slice(0, -1);
  return `${head}_${hash}`;
}
