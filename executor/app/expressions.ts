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
      const fn = compile(expression);
      try {
        return fn(context);
      } catch (error) {
        throw ToolError.of("EXPRESSION_FAILED", undefined, [{ path: where, message: firstLine(error) }]);
      }
    },
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? message).replace(/\brow\.|\btool\./g, "");
}
