/**
 * Parses and type-checks one CEL expression, reporting problems at their position in the spec file.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { firstLine, nodeReads, type CelNode } from "../../language/cel-syntax";
import type { Diagnostic } from "../diagnostics";
import type { SourceDocument, SpecPath } from "../source/yaml-document";
import { didYouMean, formatPath } from "../suggest";
import { declaredFields, declaredVariables } from "./environment";
import { assignable, describeCelType, type CelTypeName } from "./types";

export interface CheckedExpression {
  ok: boolean;
  type?: CelTypeName;
  /** Ids named as `nodes.<id>` or `nodes['<id>']`, with their offset in the expression. */
  nodeRefs: { id: string; offset: number }[];
}

/** The checker also reads what cel-js records for error positions and the types it inferred. */
interface CelAstNode extends CelNode {
  start?: number;
  end?: number;
  left?: CelAstNode;
  right?: CelAstNode;
  /** Set by the type checker on the nodes it has typed. */
  checkedType?: { name?: string };
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
    diagnostics.push({
      ...doc.locateInString(path, offset),
      code,
      message: `${formatPath(path)}: ${message}`,
      ...(want ? { expected: want } : {}),
    });
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = env.parse(expression);
  } catch (error) {
    report("FS023", errorOffset(error), readableTokens(firstLine(error)));
    return { ok: false, nodeRefs: [] };
  }
  const nodeRefs = nodeReads(parsed.ast as unknown as CelNode);
  const result = parsed.check();
  if (!result.valid) {
    const error = describeTypeError(env, expression, result.error);
    report("FS024", error.offset, error.message);
    return { ok: false, nodeRefs };
  }
  const type = String(result.type);
  if (expected && !assignable(type, expected)) {
    const hint =
      bare(type) === "double" && bare(expected) === "decimal"
        ? "; convert explicitly with decimal(...)"
        : bare(type) === "decimal" && bare(expected) === "double"
          ? "; convert explicitly with double(...)"
          : "";
    report("FS025", 0, `expression has type ${describeCelType(type)}${hint}`, describeCelType(expected));
    return { ok: false, type, nodeRefs };
  }
  return { ok: true, type, nodeRefs };
}

/** The parser names tokens by its own constants (`Unexpected token: GT`); authors wrote `>`. */
const TOKEN_TEXT: Record<string, string> = {
  EOF: "end of expression",
  PLUS: '"+"',
  MINUS: '"-"',
  MULTIPLY: '"*"',
  DIVIDE: '"/"',
  MODULO: '"%"',
  EQ: '"=="',
  NE: '"!="',
  LT: '"<"',
  LE: '"<="',
  GT: '">"',
  GE: '">="',
  AND: '"&&"',
  OR: '"||"',
  NOT: '"!"',
  IN: '"in"',
  LPAREN: '"("',
  RPAREN: '")"',
  LBRACKET: '"["',
  RBRACKET: '"]"',
  LBRACE: '"{"',
  RBRACE: '"}"',
  DOT: '"."',
  COMMA: '","',
  COLON: '":"',
  QUESTION: '"?"',
  NUMBER: "a number",
  STRING: "a string",
  BOOLEAN: "true or false",
  NULL: "null",
  IDENTIFIER: "a name",
  BYTES: "bytes",
};

function readableTokens(message: string): string {
  return message.replace(
    /^(Unexpected token: |Expected )([A-Z]+)(, got )?([A-Z]+)?/,
    (all, head: string, first: string, got?: string, second?: string) =>
      `${head}${TOKEN_TEXT[first] ?? first}${got ?? ""}${second ? (TOKEN_TEXT[second] ?? second) : ""}`,
  );
}

const BINARY_OPERATORS = new Set(["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "&&", "||"]);

/**
 * The library's type error, made to point where a reader looks: at the operator of a binary
 * expression (not the start of its left side), and naming the value that lacks a field or the
 * variable that does not exist, with the closest declared name.
 */
function describeTypeError(env: Environment, expression: string, error: unknown): { offset: number; message: string } {
  const node = (error as { node?: CelAstNode } | undefined)?.node;
  let offset = errorOffset(error);
  let message = firstLine(error);
  if (!node) return { offset, message };
  const args = Array.isArray(node.args) ? (node.args as CelAstNode[]) : [];
  const [left, right] = [node.left ?? args[0], node.right ?? args[1]];
  if (BINARY_OPERATORS.has(node.op) && typeof left?.end === "number" && typeof right?.start === "number") {
    const at = expression.slice(left.end, right.start).indexOf(node.op);
    if (at >= 0) offset = left.end + at;
  }
  const missingKey = /^No such key: (.+)$/.exec(message);
  if (missingKey && left && typeof left.start === "number" && typeof left.end === "number") {
    const key = missingKey[1]!;
    const typeName = left.checkedType?.name;
    const fields = typeName ? declaredFields(env, typeName) : undefined;
    message = `${expression.slice(left.start, left.end)} has no field "${key}"${fields ? didYouMean(key, fields) : ""}`;
  }
  const unknownVariable = /^Unknown variable: (.+)$/.exec(message);
  if (unknownVariable) message += didYouMean(unknownVariable[1]!, declaredVariables(env));
  return { offset, message: decimalHint(message) };
}

const bare = (type: string) => /^dyn<(.+)>$/.exec(type)?.[1] ?? type;
const DECIMAL_FUNCTIONS = new Set(["round", "floor", "ceil", "minorUnits"]);

/**
 * Money mistakes get the fix in the message. Decimals and doubles never mix implicitly (that is
 * how 19.99 EUR became 1998 cents), decimals have no division, and the rounding functions and
 * minorUnits take a decimal. See docs/spec-language.md, "Decimals".
 */
function decimalHint(message: string): string {
  const operator = /^no such overload: (\S+) (\S+) (\S+)$/.exec(message);
  if (operator) {
    const [left, op, right] = [bare(operator[1]!), operator[2]!, bare(operator[3]!)];
    const types = new Set([left, right]);
    if (types.has("decimal") && types.has("double")) return `${left} ${op} ${right}: convert explicitly with decimal(...) or double(...)`;
    if (types.has("decimal") && (op === "/" || op === "%")) {
      return `${left} ${op} ${right}: decimals have no ${op}, since a quotient is rarely an exact decimal; multiply instead (x * decimal('0.5')), or divide doubles and convert back with round(decimal(...), scale)`;
    }
    return message;
  }
  const call = /^found no matching overload for '(\w+)\((.*)\)'$/.exec(message);
  if (call && DECIMAL_FUNCTIONS.has(call[1]!) && call[2]!.split(",").map((t) => bare(t.trim()))[0] === "double") {
    return `${message}: ${call[1]} takes a decimal; convert explicitly with decimal(...)`;
  }
  return message;
}

function errorOffset(error: unknown): number {
  const node = (error as { node?: CelAstNode } | undefined)?.node;
  return typeof node?.pos === "number" ? node.pos : 0;
}
