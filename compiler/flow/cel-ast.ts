/**
 * What the compiler and the risk rules need to know about a CEL expression without type checking
 * it again (the loader already did): its syntax tree, the nodes it reads (`nodes.<id>`,
 * `nodes['<id>']`) and whether it reads any variable at all. Parses are cached per text.
 */
import { parse } from "@marcbachmann/cel-js";

export interface CelNode {
  op: string;
  args: unknown;
}

/** Variables a tool expression can read; anything else is a macro's loop variable or unknown. */
const TOOL_VARIABLES = new Set(["input", "caller", "nodes", "now", "secrets"]);
const cache = new Map<string, CelNode | null>();
let caching = true;

/** Turns the parse cache off (and empties it): benchmarks measure every parse cold with it. */
export function setCelAstCaching(on: boolean): void {
  caching = on;
  cache.clear();
}

/** The syntax tree, or null when the text does not parse (the loader reports that). */
export function celAst(expression: string): CelNode | null {
  let ast = caching ? cache.get(expression) : undefined;
  if (ast === undefined) {
    try {
      ast = parse(expression).ast as unknown as CelNode;
    } catch {
      ast = null;
    }
    if (cache.size > 50_000) cache.clear(); // bounded: a long-lived editor session loads many specs
    if (caching) cache.set(expression, ast);
  }
  return ast;
}

function visit(node: unknown, fn: (n: CelNode) => void): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) visit(item, fn);
    return;
  }
  const n = node as CelNode;
  if (typeof n.op !== "string") return;
  fn(n);
  visit(n.args, fn);
}

const isNodesIdent = (n: unknown) => (n as CelNode | undefined)?.op === "id" && (n as CelNode).args === "nodes";

/** If `n` is `nodes.<id>` or `nodes['<id>']`, the id. */
export function nodeRefOf(n: CelNode): string | undefined {
  if ((n.op === "." || n.op === ".?") && Array.isArray(n.args) && isNodesIdent(n.args[0]) && typeof n.args[1] === "string") return n.args[1];
  if ((n.op === "[]" || n.op === "[?]") && Array.isArray(n.args) && isNodesIdent(n.args[0])) {
    const key = n.args[1] as CelNode;
    if (key?.op === "value" && typeof key.args === "string") return key.args;
  }
  return undefined;
}

/** Node ids the expression reads. */
export function nodeRefs(expression: string): Set<string> {
  const refs = new Set<string>();
  visit(celAst(expression), (n) => {
    const id = nodeRefOf(n);
    if (id !== undefined) refs.add(id);
  });
  return refs;
}

/** True when the expression reads no variable (input, caller, nodes, now, secrets): its value never changes. */
export function isConstant(expression: string): boolean {
  const ast = celAst(expression);
  if (!ast) return false;
  let reads = false;
  visit(ast, (n) => {
    if (n.op === "id" && typeof n.args === "string" && TOOL_VARIABLES.has(n.args)) reads = true;
  });
  return !reads;
}

/** If `n` is `nodes.<id>.<field>`, [id, field]. */
export function nodeFieldOf(n: CelNode): [string, string] | undefined {
  if (n.op !== "." || !Array.isArray(n.args) || typeof n.args[1] !== "string") return undefined;
  const id = nodeRefOf(n.args[0] as CelNode);
  return id === undefined ? undefined : [id, n.args[1]];
}

/** A string literal's value, if `n` is one. */
export function stringLiteral(n: CelNode | undefined): string | undefined {
  return n?.op === "value" && typeof n.args === "string" ? n.args : undefined;
}

/** The operands of a top-level chain of `&&`. */
export function conjuncts(ast: CelNode): CelNode[] {
  if (ast.op === "&&" && Array.isArray(ast.args)) return (ast.args as CelNode[]).flatMap(conjuncts);
  return [ast];
}
