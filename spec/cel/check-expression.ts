/**
 * Parses and type-checks one CEL expression, reporting problems at their position in the spec file.
 */
import type { Environment } from "@marcbachmann/cel-js";
import type { Diagnostic } from "../diagnostics";
import type { SourceDocument, SpecPath } from "../source/yaml-document";
import { formatPath } from "../suggest";
import { assignable, describeCelType, type CelTypeName } from "./types";

export interface CheckedExpression {
  ok: boolean;
  type?: CelTypeName;
  /** Ids named as `nodes.<id>` or `nodes['<id>']`, with their offset in the expression. */
  nodeRefs: { id: string; offset: number }[];
}

interface CelAstNode {
  op: string;
  args: unknown;
  pos?: number;
}

export function checkExpression(
  env: Environment,
  expression: string,
  doc: SourceDocument,
  path: SpecPath,
  diagnostics: Diagnostic[],
  expected?: CelTypeName,
): CheckedExpression {
  const report = (code: "FS023" | "FS024" | "FS025", offset: number, message: string, want?: string) =>
    diagnostics.push({ ...doc.locateInString(path, offset), code, message: `${formatPath(path)}: ${message}`, ...(want ? { expected: want } : {}) });
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = env.parse(expression);
  } catch (error) {
    report("FS023", errorOffset(error), firstLine(error));
    return { ok: false, nodeRefs: [] };
  }
  const nodeRefs = collectNodeRefs(parsed.ast as unknown as CelAstNode);
  const result = parsed.check();
  if (!result.valid) {
    report("FS024", errorOffset(result.error), firstLine(result.error));
    return { ok: false, nodeRefs };
  }
  const type = String(result.type);
  if (expected && !assignable(type, expected)) {
    report("FS025", 0, `expression has type ${describeCelType(type)}`, describeCelType(expected));
    return { ok: false, type, nodeRefs };
  }
  return { ok: true, type, nodeRefs };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? message).replace(/\brow\.|\btool\./g, "");
}

function errorOffset(error: unknown): number {
  const node = (error as { node?: CelAstNode } | undefined)?.node;
  return typeof node?.pos === "number" ? node.pos : 0;
}

function collectNodeRefs(root: CelAstNode): { id: string; offset: number }[] {
  const refs: { id: string; offset: number }[] = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as CelAstNode;
    if (typeof n.op !== "string") return;
    const args = n.args;
    if ((n.op === "." || n.op === ".?") && Array.isArray(args) && isNodesIdent(args[0]) && typeof args[1] === "string") {
      refs.push({ id: args[1], offset: (args[0] as CelAstNode).pos ?? 0 });
    } else if ((n.op === "[]" || n.op === "[?]") && Array.isArray(args) && isNodesIdent(args[0])) {
      const key = args[1] as CelAstNode;
      if (key?.op === "value" && typeof key.args === "string") refs.push({ id: key.args, offset: (args[0] as CelAstNode).pos ?? 0 });
    }
    if (Array.isArray(args)) args.forEach(visit);
    else visit(args);
  };
  visit(root);
  return refs;
}

function isNodesIdent(node: unknown): boolean {
  const n = node as CelAstNode | undefined;
  return n?.op === "id" && n.args === "nodes";
}
