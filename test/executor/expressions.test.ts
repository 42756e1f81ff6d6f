/**
 * The expression set's compiled closures (executor/app/fast-expressions.ts: field paths,
 * comparisons, `in`, `!`, `&&`/`||`, map literals, `.map`) must give exactly what CEL gives, and
 * leave every case they cannot answer — a missing field, a skipped node, a CEL map, mixed numeric
 * types, a null — to CEL, errors included.
 */
import { Environment } from "@marcbachmann/cel-js";
import fc from "fast-check";
import { createExpressionSet } from "../../executor/app/expressions";
import { ToolError } from "../../executor/errors/catalogue";
import { loadSpecDir } from "../../loader/load";
import { createBaseEnvironment, createToolEnvironment } from "../../loader/cel/environment";
import { rowTypeName } from "../../loader/cel/types";

/** CEL alone, as the executor evaluated before the shortcut. */
function celOnly(env: Environment, expression: string, context: Record<string, unknown>): { value: unknown } | { error: true } {
  try {
    return { value: env.parse(expression)(context) };
  } catch {
    return { error: true };
  }
}

function viaSet(
  set: ReturnType<typeof createExpressionSet>,
  expression: string,
  context: Record<string, unknown>,
): { value: unknown } | { error: true } {
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
    const leaf = fc.oneof(
      fc.integer().map(BigInt),
      fc.double({ noNaN: true }),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.dictionary(key, tie("node"), { maxKeys: 3 }),
        fc.dictionary(key, tie("node"), { maxKeys: 3 }).map((o) => new Map(Object.entries(o))),
        fc.array(tie("node"), { maxLength: 2 }),
      ),
    })).node;
    const context = fc.record({ input: value, nodes: value, caller: value });
    const path = fc
      .tuple(fc.constantFrom("input", "nodes", "caller", "missing"), fc.array(key, { maxLength: 3 }))
      .map(([root, rest]) => [root, ...rest].join("."));
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
    const env = createToolEnvironment(createBaseEnvironment(entities), {
      input: { guests: "int", notes: "dyn<string>" },
      nodes: { load: rowTypeName("Customer") },
    });
    const set = createExpressionSet(env);
    const customer = {
      id: "c1",
      name: "Ada",
      email: "ada@example.com",
      phone: null,
      createdAt: new Date(0),
      updatedAt: new Date(0),
      version: 1n,
    };
    const ran = { input: { guests: 2n, notes: null }, nodes: { load: customer } };
    for (const expression of [
      "input.guests",
      "input.notes",
      "nodes.load.email",
      "nodes.load.phone",
      "nodes.load.createdAt",
      "nodes.load.version",
    ]) {
      expect(viaSet(set, expression, ran)).toEqual(celOnly(env, expression, ran));
    }
    expect(set.evaluate("nodes.load.email", ran, "x")).toBe("ada@example.com");
    // A skipped node's output is absent: CEL's error, named where it happened.
    expect(() => set.evaluate("nodes.load.email", { input: ran.input, nodes: {} }, "flow.send.to")).toThrow(
      expect.objectContaining({ code: "EXPRESSION_FAILED", status: 422 }),
    );
    expect(viaSet(set, "true", ran)).toEqual({ value: true });
  });

  it("on random expressions of the compiled shapes over random contexts: same value, or CEL's error", () => {
    const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
    const set = createExpressionSet(env);
    const key = fc.constantFrom("a", "b", "id");
    const leaf = fc.oneof(
      fc.integer({ min: -3, max: 3 }).map(BigInt),
      fc.constantFrom(0, 1.5, -2, Number.NaN),
      fc.constantFrom("x", "y", "admin"),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.dictionary(key, tie("node"), { maxKeys: 3 }),
        fc.dictionary(key, tie("node"), { maxKeys: 3 }).map((o) => new Map(Object.entries(o))),
        fc.array(tie("node"), { maxLength: 3 }),
      ),
    })).node;
    const context = fc.record({ input: value, nodes: value, caller: value });
    const path = fc
      .tuple(fc.constantFrom("input", "nodes", "caller", "missing"), fc.array(key, { maxLength: 2 }))
      .map(([root, rest]) => [root, ...rest].join("."));
    const literal = fc.constantFrom("1", "2", "1.5", "'x'", "'admin'", "true", "false", "null", "['x', 'admin']", "[1, 2]");
    const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
      e: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        path,
        literal,
        fc
          .tuple(tie("e"), fc.constantFrom("==", "!=", "<", "<=", ">", ">=", "&&", "||", "in"), tie("e"))
          .map(([a, op, b]) => `(${a}) ${op} (${b})`),
        tie("e").map((a) => `!(${a})`),
        fc
          .array(fc.tuple(fc.constantFrom("'a'", "'b'", "'id'"), tie("e")), { minLength: 1, maxLength: 3 })
          .map((entries) => `{${entries.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
        fc
          .tuple(path, fc.constantFrom("r.a", "r", "{'id': r.id, 'a': r.a}", "r.a == 'x'"))
          .map(([list, body]) => `(${list}).map(r, ${body})`),
      ),
    })).e;
    fc.assert(
      fc.property(context, expression, (ctx, text) => {
        try {
          env.parse(text);
        } catch {
          return; // not a valid CEL expression (e.g. a duplicate map key): nothing to compare
        }
        const cel = celOnly(env, text, ctx);
        const fast = viaSet(set, text, ctx);
        expect(fast).toEqual(cel);
        if ("value" in fast && fast.value !== null && typeof fast.value === "object" && "value" in cel)
          expect(Object.getPrototypeOf(fast.value)).toBe(Object.getPrototypeOf(cel.value));
      }),
      { numRuns: 3000 },
    );
  });

  it("on every operator over equal, smaller and larger values of each type, mixed types included", () => {
    const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
    const set = createExpressionSet(env);
    const values = [1n, 2n, 1, 2.5, Number.NaN, "a", "b", "é", true, false, null, ["a", "b"], ["a", 1n]];
    let compared = 0;
    for (const op of ["==", "!=", "<", "<=", ">", ">=", "&&", "||", "in"]) {
      for (const x of values) {
        for (const y of values) {
          const ctx = { input: { x, y } };
          const text = `input.x ${op} input.y`;
          expect(viaSet(set, text, ctx)).toEqual(celOnly(env, text, ctx));
          compared++;
        }
      }
    }
    expect(compared).toBe(9 * values.length * values.length);
    for (const text of [
      "!input.x",
      "{'a': input.x, 'b': input.y}",
      "input.l.map(r, r == 'a')",
      "'a' in input.l",
      "input.x == null",
      "null != input.x",
      "input.x in ['a', 'b']",
      "[input.x, input.y]",
    ]) {
      for (const x of values) {
        const ctx = { input: { x, y: x, l: Array.isArray(x) ? x : [x] } };
        expect(viaSet(set, text, ctx)).toEqual(celOnly(env, text, ctx));
      }
    }
  });
});
