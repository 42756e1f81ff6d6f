/**
 * Most CEL in a flow is simple: a field path (`nodes.customer.email`), a comparison of two of
 * them (`input.guests <= nodes.room.capacity`), a role test (`'staff' in caller.roles`), an output
 * map literal, a `.map(r, {...})` over rows. cel-js interprets every evaluation through its
 * type-dispatching evaluator; for these shapes a closure compiled once from the parsed AST gives
 * the same value for a fraction of the CPU.
 *
 * The rule that keeps it exact: a compiled closure handles only values whose CEL meaning is
 * plain JavaScript (same-typed ints, doubles, strings, bools; own fields of plain objects; lists
 * as arrays). Anything else — a missing field, mixed numeric types, a Map, a null — returns
 * BAIL, and the caller evaluates the expression with cel-js, which also produces the error.
 * Closures have no side effects, so evaluating again is safe. An AST outside the subset is not
 * compiled at all. test/executor/fast-expressions.test.ts compares both on random contexts.
 */
import type { CelNode } from "../../language/cel-syntax";

export const BAIL: unique symbol = Symbol("bail");

type Scope = Readonly<Record<string, unknown>>;
export type FastExpression = (context: Scope) => unknown;
type Compiled = (context: Scope, locals: Scope | undefined) => unknown;

export function compileFast(ast: unknown): FastExpression | null {
  const compiled = compile(ast as CelNode, new Set());
  return compiled ? (context) => compiled(context, undefined) : null;
}

function compile(node: CelNode, locals: ReadonlySet<string>): Compiled | null {
  switch (node.op) {
    case "value":
      return literal(node.args);
    case "id":
      return identifier(node.args as string, locals);
    case ".":
      return field(node.args as [CelNode, string], locals);
    case "!_":
      return not(node.args as CelNode, locals);
    case "&&":
    case "||":
      return logical(node.op, node.args as [CelNode, CelNode], locals);
    case "==":
    case "!=":
      return equality(node.op, node.args as [CelNode, CelNode], locals);
    case "<":
    case "<=":
    case ">":
    case ">=":
      return ordering(node.op, node.args as [CelNode, CelNode], locals);
    case "in":
      return membership(node.args as [CelNode, CelNode], locals);
    case "map":
      return mapLiteral(node.args as [CelNode, CelNode][], locals);
    case "list":
      return listLiteral(node.args as CelNode[], locals);
    case "rcall":
      return mapMacro(node.args as [string, CelNode, CelNode[]], locals);
    default:
      return null;
  }
}

function literal(value: unknown): Compiled | null {
  const kind = typeof value;
  if (value !== null && kind !== "string" && kind !== "bigint" && kind !== "number" && kind !== "boolean") return null;
  return () => value;
}

function identifier(name: string, locals: ReadonlySet<string>): Compiled {
  if (locals.has(name)) return (_context, scope) => (scope![name] === undefined ? BAIL : scope![name]);
  return (context) => (Object.hasOwn(context, name) && context[name] !== undefined ? context[name] : BAIL);
}

/** An own field of a plain object (a row, the input, the caller); a Map or a missing field bails. */
function field([target, name]: [CelNode, string], locals: ReadonlySet<string>): Compiled | null {
  const object = compile(target, locals);
  if (!object) return null;
  return (context, scope) => {
    const value = object(context, scope);
    if (
      value === null ||
      typeof value !== "object" ||
      value instanceof Map ||
      Array.isArray(value) ||
      value instanceof Date ||
      !Object.hasOwn(value, name)
    )
      return BAIL;
    const result = (value as Record<string, unknown>)[name];
    return result === undefined ? BAIL : result;
  };
}

function not(operand: CelNode, locals: ReadonlySet<string>): Compiled | null {
  const inner = compile(operand, locals);
  if (!inner) return null;
  return (context, scope) => {
    const value = inner(context, scope);
    return typeof value === "boolean" ? !value : BAIL;
  };
}

function logical(op: "&&" | "||", [l, r]: [CelNode, CelNode], locals: ReadonlySet<string>): Compiled | null {
  const left = compile(l, locals);
  const right = compile(r, locals);
  if (!left || !right) return null;
  // The left side decides alone only when it is a bool; CEL's error absorption is left to cel-js.
  const decides = op === "||";
  return (context, scope) => {
    const a = left(context, scope);
    if (typeof a !== "boolean") return BAIL;
    if (a === decides) return a;
    const b = right(context, scope);
    return typeof b === "boolean" ? b : BAIL;
  };
}

const PLAIN = new Set(["string", "boolean", "bigint", "number"]);

/** Both operands compiled, then `combine` over their values (a BAIL fails its type checks). */
function binary([l, r]: [CelNode, CelNode], locals: ReadonlySet<string>, combine: (a: unknown, b: unknown) => unknown): Compiled | null {
  const left = compile(l, locals);
  const right = compile(r, locals);
  if (!left || !right) return null;
  return (context, scope) => combine(left(context, scope), right(context, scope));
}

function equality(op: "==" | "!=", args: [CelNode, CelNode], locals: ReadonlySet<string>): Compiled | null {
  return binary(args, locals, (a, b) => {
    // null equals only null, and differs from any plain value (`nodes.load.paymentId != null`).
    if (a === null || b === null)
      return (a === null ? b === null || PLAIN.has(typeof b) : PLAIN.has(typeof a)) ? (a === b) === (op === "==") : BAIL;
    if (typeof a !== typeof b || !PLAIN.has(typeof a)) return BAIL;
    return op === "==" ? a === b : a !== b;
  });
}

/** Ints with ints, doubles with doubles (strings order by code point in CEL, not by UTF-16 unit: cel-js). */
function ordering(op: "<" | "<=" | ">" | ">=", args: [CelNode, CelNode], locals: ReadonlySet<string>): Compiled | null {
  const compare = COMPARE[op];
  return binary(args, locals, (a, b) =>
    typeof a !== typeof b || (typeof a !== "bigint" && typeof a !== "number") ? BAIL : compare(a as number, b as number),
  );
}

const COMPARE: Record<"<" | "<=" | ">" | ">=", (a: number, b: number) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

/** A string in a list of strings. */
function membership(args: [CelNode, CelNode], locals: ReadonlySet<string>): Compiled | null {
  return binary(args, locals, (item, list) => {
    if (typeof item !== "string" || !Array.isArray(list)) return BAIL;
    let found = false;
    for (const element of list) {
      if (typeof element !== "string") return BAIL;
      if (element === item) found = true;
    }
    return found;
  });
}

/** `{'a': x, 'b': y}` with string literal keys: a plain object, as cel-js builds it. */
function mapLiteral(entries: [CelNode, CelNode][], locals: ReadonlySet<string>): Compiled | null {
  const keys: string[] = [];
  const values: Compiled[] = [];
  for (const [key, value] of entries) {
    if (key.op !== "value" || typeof key.args !== "string" || key.args === "__proto__" || keys.includes(key.args)) return null;
    const compiled = compile(value, locals);
    if (!compiled) return null;
    keys.push(key.args);
    values.push(compiled);
  }
  return (context, scope) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = values[i]!(context, scope);
      if (value === BAIL) return BAIL;
      out[keys[i]!] = value;
    }
    return out;
  };
}

/** `[a, b]`: an array, as cel-js builds it. */
function listLiteral(elements: CelNode[], locals: ReadonlySet<string>): Compiled | null {
  const compiled: Compiled[] = [];
  for (const element of elements) {
    const c = compile(element, locals);
    if (!c) return null;
    compiled.push(c);
  }
  return (context, scope) => {
    const out = new Array<unknown>(compiled.length);
    for (let i = 0; i < compiled.length; i++) {
      const value = compiled[i]!(context, scope);
      if (value === BAIL) return BAIL;
      out[i] = value;
    }
    return out;
  };
}

/** `list.map(x, body)` over an array; other receiver calls are not compiled. */
function mapMacro([name, receiver, args]: [string, CelNode, CelNode[]], locals: ReadonlySet<string>): Compiled | null {
  if (name !== "map" || args.length !== 2 || args[0]!.op !== "id") return null;
  const variable = args[0]!.args as string;
  if (variable === "__proto__") return null;
  const list = compile(receiver, locals);
  const body = compile(args[1]!, new Set([...locals, variable]));
  if (!list || !body) return null;
  return (context, scope) => {
    const items = list(context, scope);
    if (!Array.isArray(items)) return BAIL;
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      const value = body(context, { ...scope, [variable]: items[i] });
      if (value === BAIL) return BAIL;
      out[i] = value;
    }
    return out;
  };
}
