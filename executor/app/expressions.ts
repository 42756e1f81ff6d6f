/**
 * CEL expressions of one tool, parsed once in the environment the spec checker typed them in and
 * evaluated per invocation. A runtime failure (a skipped node read, a division by zero) names
 * the node and field it came from.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { ToolError } from "../errors";

export type Evaluate = (context: Record<string, unknown>) => unknown;

export interface ExpressionSet {
  evaluate(expression: string, context: Record<string, unknown>, where: string): unknown;
}

export function createExpressionSet(env: Environment): ExpressionSet {
  const parsed = new Map<string, Evaluate>();
  const paths = new Map<string, readonly string[] | null>();
  const compile = (expression: string): Evaluate => {
    let fn = parsed.get(expression);
    if (!fn) {
      fn = env.parse(expression) as unknown as Evaluate;
      parsed.set(expression, fn);
    }
    return fn;
  };
  return {
    evaluate(expression, context, where) {
      let path = paths.get(expression);
      if (path === undefined) paths.set(expression, (path = memberPath(expression)));
      if (path) {
        const value = readPath(context, path);
        if (value !== MISSING) return value;
      }
      const fn = compile(expression);
      try {
        return fn(context);
      } catch (error) {
        throw ToolError.of("EXPRESSION_FAILED", undefined, [{ path: where, message: firstLine(error) }]);
      }
    },
  };
}

/**
 * Most expressions in a flow are a plain field path (`caller.id`, `input.roomId`,
 * `nodes.customer.email`). Their value is the context's own property chain, which is exactly
 * what CEL's field selection returns for the values the executor puts in context; walking it
 * directly saves a CEL evaluation each. Anything else — a missing field, a skipped node, a CEL
 * map — goes through CEL, which also produces the error.
 */
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const LITERALS = new Set(["true", "false", "null"]);
const MISSING = Symbol("missing");

function memberPath(expression: string): readonly string[] | null {
  const text = expression.trim();
  return PATH.test(text) && !LITERALS.has(text) ? text.split(".") : null;
}

function readPath(context: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = context;
  for (const key of path) {
    if (value === null || typeof value !== "object" || value instanceof Map || Array.isArray(value) || !Object.hasOwn(value, key)) return MISSING;
    value = (value as Record<string, unknown>)[key];
  }
  return value === undefined ? MISSING : value;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? message).replace(/\brow\.|\btool\./g, "");
}
