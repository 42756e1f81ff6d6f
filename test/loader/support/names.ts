/**
 * Names for generated specs. The pools mix ordinary names with awkward ones a real spec may use:
 * JavaScript prototype members (`constructor`), CEL variables and functions (`size`, `now`),
 * YAML plain scalars that are not strings (`null`, `true`) and CEL keywords (`in`).
 */
import type { Choices } from "./choices";

/** CEL keywords: legal spec names, but no expression can name them, not even after a dot. */
export const CEL_KEYWORDS = new Set(["true", "false", "null", "in"]);

/**
 * Names an expression cannot use as a bare identifier (an invariant's row field): CEL's reserved
 * words and the built-in type constants. After a dot (`input.type`) they are fine.
 */
export const NOT_BARE = new Set([
  ...CEL_KEYWORDS,
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
  "prototype",
  "string",
  "bool",
  "int",
  "uint",
  "double",
  "map",
  "list",
  "bytes",
  "type",
]);

const CAMEL = [
  "name",
  "email",
  "amount",
  "startDate",
  "note",
  "count",
  "total",
  "active",
  "kind",
  "type",
  "status",
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "size",
  "int",
  "string",
  "now",
  "input",
  "nodes",
  "caller",
  "in",
  "null",
  "true",
  "yes",
  "no",
  "on",
  "x",
  "e1",
  "prototype",
  "map",
  "list",
  "bytes",
  "double",
  "bool",
  "as",
  "if",
  "for",
  "while",
  "return",
  "package",
];
const PASCAL = ["Customer", "Room", "Reservation", "Invoice", "Object", "Function", "Map", "String", "Null", "True", "Row", "A"];
const STATES = ["pending", "active", "done", "cancelled", "on_hold", "b_2", "null", "true", "in", "yes"];
const SECRETS = ["API_KEY", "PAYMENTS_API_KEY", "TOKEN", "A", "X_1"];

/** Draws names unique within `taken` (and records them there). */
export class NameSource {
  constructor(private readonly c: Choices) {}

  camel(taken: Set<string>): string {
    return unique(taken, this.c.chance(60) ? this.c.pick(CAMEL) : this.c.matching(/^[a-z][A-Za-z0-9]{0,7}$/));
  }

  /** camelCase that a CEL expression can name even bare (not a keyword, reserved word or type). */
  referable(taken: Set<string>): string {
    const base = this.c.chance(60) ? this.c.pick(CAMEL) : this.c.matching(/^[a-z][A-Za-z0-9]{0,7}$/);
    return unique(taken, NOT_BARE.has(base) ? `${base}V` : base);
  }

  pascal(taken: Set<string>): string {
    return unique(taken, this.c.chance(60) ? this.c.pick(PASCAL) : this.c.matching(/^[A-Z][A-Za-z0-9]{0,7}$/));
  }

  state(taken: Set<string>): string {
    return unique(taken, this.c.chance(70) ? this.c.pick(STATES) : this.c.matching(/^[a-z][A-Za-z0-9_]{0,7}$/));
  }

  /** Node ids are named in expressions (`nodes.<id>`), so never a CEL keyword. */
  nodeId(taken: Set<string>): string {
    let id = this.c.chance(50)
      ? this.c.pick(["load", "check", "save", "charge", "notify", "tx", "size", "constructor", "input"])
      : this.c.matching(/^[a-z][A-Za-z0-9_]{0,7}$/);
    if (NOT_BARE.has(id)) id = `${id}_`;
    return unique(taken, id);
  }

  secret(taken: Set<string>): string {
    return unique(taken, this.c.chance(60) ? this.c.pick(SECRETS) : this.c.matching(/^[A-Z][A-Z0-9_]{0,7}$/));
  }
}

function unique(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}
