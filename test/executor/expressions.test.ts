/**
 * The expression set's shortcut for plain field paths (`caller.id`, `nodes.customer.email`) must
 * give exactly what CEL gives, and leave every case it cannot answer — a missing field, a skipped
 * node, a CEL map, a literal — to CEL, errors included.
 */
import { Environment } from "@marcbachmann/cel-js";
import fc from "fast-check";
import { createExpressionSet } from "../../executor/app/expressions";
import { ToolError } from "../../executor/errors";
import { loadSpecDir } from "../../spec/load";
import { createBaseEnvironment, createToolEnvironment } from "../../spec/cel/environment";
import { rowTypeName } from "../../spec/cel/types";

/** CEL alone, as the executor evaluated before the shortcut. */
function celOnly(env: Environment, expression: string, context: Record<string, unknown>): { value: unknown } | { error: true } {
  try {
    return { value: env.parse(expression)(context) };
  } catch {
    return { error: true };
  }
}

function viaSet(set: ReturnType<typeof createExpressionSet>, expression: string, context: Record<string, unknown>): { value: unknown } | { error: true } {
  try {
    return { value: set.evaluate(expression, context, "test") };
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe("EXPRESSION_FAILED");
    return { error: true };
  }
}

describe("field paths evaluate as CEL evaluates them", () => {
  it("on random contexts and paths: same value, or CEL's error", () => {
    const env = new Environment({ unlistedVariablesAreDyn: true });
    const set = createExpressionSet(env);
    const key = fc.constantFrom("a", "b", "id", "email", "n");
    const leaf = fc.oneof(fc.integer().map(BigInt), fc.double({ noNaN: true }), fc.string(), fc.boolean(), fc.constant(null), fc.date({ noInvalidDate: true }));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, fc.dictionary(key, tie("node"), { maxKeys: 3 }), fc.dictionary(key, tie("node"), { maxKeys: 3 }).map((o) => new Map(Object.entries(o))), fc.array(tie("node"), { maxLength: 2 })),
    })).node;
    const context = fc.record({ input: value, nodes: value, caller: value });
    const path = fc.tuple(fc.constantFrom("input", "nodes", "caller", "missing"), fc.array(key, { maxLength: 3 })).map(([root, rest]) => [root, ...rest].join("."));
    fc.assert(
      fc.property(context, path, (ctx, expression) => {
        expect(viaSet(set, expression, ctx)).toEqual(celOnly(env, expression, ctx));
      }),
      { numRuns: 2000 },
    );
  });

  it("with the checker's typed environment: input and node fields, optional nulls, skipped nodes", () => {
    const { specs } = loadSpecDir("examples/reservations");
    const entities = [...specs.entities.values()].map((e) => e.spec);
    const env = createToolEnvironment(createBaseEnvironment(entities), { input: { guests: "int", notes: "dyn<string>" }, nodes: { load: rowTypeName("Customer") } });
    const set = createExpressionSet(env);
    const customer = { id: "c1", name: "Ada", email: "ada@example.com", phone: null, createdAt: new Date(0), updatedAt: new Date(0), version: 1n };
    const ran = { input: { guests: 2n, notes: null }, nodes: { load: customer } };
    for (const expression of ["input.guests", "input.notes", "nodes.load.email", "nodes.load.phone", "nodes.load.createdAt", "nodes.load.version"]) {
      expect(viaSet(set, expression, ran)).toEqual(celOnly(env, expression, ran));
    }
    expect(set.evaluate("nodes.load.email", ran, "x")).toBe("ada@example.com");
    // A skipped node's output is absent: CEL's error, named where it happened.
    expect(() => set.evaluate("nodes.load.email", { input: ran.input, nodes: {} }, "flow.send.to")).toThrow(ToolError);
    expect(viaSet(set, "true", ran)).toEqual({ value: true });
  });
});
