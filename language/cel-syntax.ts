/**
 * The CEL syntax tree, one definition for every stage: the loader's checker, the compiler and the
 * risk rules (which node outputs an expression reads, whether it reads anything), the invariant
 * translator (CEL → SQL) and the executor's fast path. Parses are cached per text.
 */
import { parse } from "@marcbachmann/cel-js";

/** cel-js's syntax tree node: an operator (`value`, `id`, `.`, `[]`, `&&`, `call`, …) and its operands. */
export interface CelNode {
  readonly op: string;
  readonly args: unknown;
  /** Offset of the node in the expression text, where the parser records one. */
  readonly pos?: number;
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

/** Calls `fn` on every node of the tree, parents before their operands. */
export function visitCel(node: unknown, fn: (n: CelNode) => void): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) visitCel(item, fn);
    return;
  }
  const n = node as CelNode;
  if (typeof n.op !== "string") return;
  fn(n);
  visitCel(n.args, fn);
}

const isNodesIdent = (n: unknown) => (n as CelNode | undefined)?.op === "id" && (n as CelNode).args === "nodes";

/** If `n` is `nodes.<id>` or `nodes['<id>']`, the id. */
export function nodeRefOf(n: CelNode): string | undefined {
  if ((n.op === "." || n.op === ".?") && Array.isArray(n.args) && isNodesIdent(n.args[0]) && typeof n.args[1] === "string")
    return n.args[1];
  if ((n.op === "[]" || n.op === "[?]") && Array.isArray(n.args) && isNodesIdent(n.args[0])) {
    const key = n.args[1] as CelNode;
    if (key?.op === "value" && typeof key.args === "string") return key.args;
  }
  return undefined;
}

/** Every read of a node's output in the tree, with the offset of its `nodes` for error positions. */
export function nodeReads(ast: CelNode | null): { id: string; offset: number }[] {
  const reads: { id: string; offset: number }[] = [];
  visitCel(ast, (n) => {
    const id = nodeRefOf(n);
    if (id !== undefined) reads.push({ id, offset: ((n.args as CelNode[])[0] as CelNode).pos ?? 0 });
  });
  return reads;
}

/** Node ids the expression reads. */
export function nodeRefs(expression: string): Set<string> {
  return new Set(nodeReads(celAst(expression)).map((read) => read.id));
}

/** True when the expression reads no variable (input, caller, nodes, now, secrets): its value never changes. */
export function isConstant(expression: string): boolean {
  const ast = celAst(expression);
  if (!ast) return false;
  let reads = false;
  visitCel(ast, (n) => {
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

/** The first line of a parser or evaluator error, in the author's type names (`Reservation`, not `row.Reservation`). */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? message).replace(/\brow\.|\btool\./g, "");
}
