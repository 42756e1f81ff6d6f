/**
 * CEL expressions of one tool, parsed once in the environment the spec checker typed them in and
 * evaluated per invocation: through the closure fast-expressions.ts compiles for the common
 * shapes, or through cel-js when there is none or it bails. A runtime failure (a skipped node
 * read, a division by zero) names the node and field it came from.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { firstLine } from "../../language/cel-syntax";
import { ToolError } from "../errors/catalogue";
import { BAIL, compileFast, type FastExpression } from "./fast-expressions";

export type Evaluate = (context: Record<string, unknown>) => unknown;

export interface ExpressionSet {
  evaluate(expression: string, context: Record<string, unknown>, where: string): unknown;
}

/** `environment` is called at the first expression compiled, once: startup need not build every environment. */
export function createExpressionSet(environment: Environment | (() => Environment)): ExpressionSet {
  const compiled = new Map<string, { cel: Evaluate; fast: FastExpression | null }>();
  let env = typeof environment === "function" ? undefined : environment;
  const compile = (expression: string) => {
    let entry = compiled.get(expression);
    if (!entry) {
      env ??= (environment as () => Environment)();
      const parsed = env.parse(expression) as unknown as Evaluate & { ast: unknown; check(): { valid: boolean } };
      // Only type-correct expressions get a closure: cel-js refuses the others before evaluating
      // any operand (`true || {'a': 1}`), which a closure would not. The spec checker already
      // refused those at load, so in the executor this is every expression.
      entry = { cel: parsed, fast: parsed.check().valid ? compileFast(parsed.ast) : null };
      compiled.set(expression, entry);
    }
    return entry;
  };
  return {
    evaluate(expression, context, where) {
      const { cel, fast } = compile(expression);
      if (fast) {
        const value = fast(context);
        if (value !== BAIL) return value;
      }
      try {
        return cel(context);
      } catch (error) {
        throw ToolError.of("EXPRESSION_FAILED", undefined, [{ path: where, message: firstLine(error) }]);
      }
    },
  };
}
