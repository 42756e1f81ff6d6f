/**
 * Turns zod's issues into diagnostics that read like a compiler's: the key named, the position of
 * that key in the file, what was expected and, for typos, what was probably meant.
 */
import type { z } from "zod";
import type { Diagnostic } from "../diagnostics";
import type { DiagnosticCode } from "../diagnostic-codes";
import type { SourceDocument, SpecPath } from "../source/yaml-document";
import { didYouMean, formatPath, oneOf } from "../suggest";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

export function schemaIssuesToDiagnostics(doc: SourceDocument, schema: AnySchema, issues: readonly Issue[]): Diagnostic[] {
  return issues.flatMap((issue) => describeIssue(doc, schema, issue));
}

function describeIssue(doc: SourceDocument, root: AnySchema, issue: Issue): Diagnostic[] {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  const at = (code: DiagnosticCode, message: string, where: SpecPath, expected?: string, key = false): Diagnostic => ({
    ...doc.locate(where, { key }),
    code,
    message,
    ...(expected ? { expected } : {}),
  });
  const name = formatPath(path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(root, doc.value, path);
      return issue.keys.map((key) =>
        at(
          "FS004",
          `${formatPath([...path, key])}: unknown key "${key}"${didYouMean(key, allowed)}`,
          [...path, key],
          allowed.length ? oneOf(allowed) : undefined,
          true,
        ),
      );
    }
    case "invalid_union": {
      if ("discriminator" in issue && issue.discriminator) {
        const actual = valueAt(doc.value, path);
        const options = (issue as { options?: unknown[] }).options ?? [];
        const isKind = issue.discriminator === "kind" && path.length === 1;
        if (actual === undefined) {
          return [
            at(
              isKind ? "FS003" : "FS005",
              `${formatPath(path.slice(0, -1))}: missing required key "${issue.discriminator}"`,
              path.slice(0, -1),
              oneOf(options),
            ),
          ];
        }
        const typo = typeof actual === "string" ? didYouMean(actual, options.map(String)) : "";
        return [
          at(isKind ? "FS003" : "FS006", `${name}: unknown ${issue.discriminator} ${JSON.stringify(actual)}${typo}`, path, oneOf(options)),
        ];
      }
      return [at("FS006", `${name}: ${JSON.stringify(valueAt(doc.value, path))} is not accepted here`, path, describeUnion(issue))];
    }
    case "invalid_type": {
      const actual = valueAt(doc.value, path);
      const expected = describeExpected(issue.expected);
      if (path.length === 0) {
        return [
          at("FS003", `a spec document must be a mapping with a kind, got ${describeValue(actual)}`, path, "kind: Entity, Tool or Policy"),
        ];
      }
      if (actual === undefined) {
        const key = path[path.length - 1];
        return [at("FS005", `${formatPath(path.slice(0, -1))}: missing required key "${String(key)}"`, path.slice(0, -1), expected)];
      }
      return [at("FS006", `${name}: got ${describeValue(actual)}`, path, expected)];
    }
    case "invalid_value": {
      const actual = valueAt(doc.value, path);
      const typo = typeof actual === "string" ? didYouMean(actual, issue.values.map(String)) : "";
      return [at("FS006", `${name}: ${JSON.stringify(actual)} is not allowed${typo}`, path, oneOf(issue.values))];
    }
    case "invalid_key": {
      const key = path[path.length - 1];
      return issue.issues.map((inner) => {
        const params = (inner as { params?: { code?: DiagnosticCode; expected?: string } }).params;
        return at(params?.code ?? "FS006", `${name}: name "${String(key)}" ${inner.message}`, path, params?.expected, true);
      });
    }
    case "custom": {
      const params = (issue.params ?? {}) as { code?: DiagnosticCode; expected?: string };
      const actual = valueAt(doc.value, path);
      return [at(params.code ?? "FS006", `${name}: ${JSON.stringify(actual)} ${issue.message}`, path, params.expected)];
    }
    case "too_small":
    case "too_big":
      return [at("FS006", `${name}: ${describeBound(issue, valueAt(doc.value, path))}`, path)];
    case "invalid_format":
    case "not_multiple_of":
    case "invalid_element":
      return [at("FS006", `${name}: ${issue.message.replace(/^Invalid input: /, "")}`, path)];
  }
}

function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const expectations = new Set<string>();
  for (const branch of issue.errors) {
    for (const inner of branch) {
      if (inner.code === "invalid_type" && inner.path.length === 0) expectations.add(inner.expected);
      else if (inner.path.length > 0) expectations.add("object");
    }
  }
  return [...expectations].join(" or ") || "another form";
}

/** zod's type names in the words of the spec language. */
function describeExpected(expected: string): string {
  const words: Record<string, string> = {
    object: "a mapping",
    record: "a mapping",
    array: "a list",
    tuple: "a list",
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "true or false",
  };
  return words[expected] ?? expected;
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, actual: unknown): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  const bound = small ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
  switch (issue.origin) {
    case "array":
    case "set":
      return small && limit === 1 && inclusive
        ? "the list must not be empty"
        : `the list needs ${bound} ${limit} ${limit === 1 ? "item" : "items"}`;
    case "string":
      return small && limit === 1 && inclusive ? "must not be empty" : `needs ${bound} ${limit} characters`;
    default:
      return `${JSON.stringify(actual)} is ${small ? "too small" : "too large"}; it must be ${bound} ${limit}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function valueAt(value: unknown, path: SpecPath): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The keys the schema accepts at `path`, following discriminated unions by the data's discriminator. */
export function allowedKeysAt(schema: AnySchema, value: unknown, path: SpecPath): string[] {
  let node: AnySchema | undefined = schema;
  let data = value;
  const resolve = (s: AnySchema | undefined, v: unknown): AnySchema | undefined => {
    let current = s;
    for (let guard = 0; current && guard < 10; guard++) {
      const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === "optional" || def.type === "nullable" || def.type === "default") current = def.innerType as AnySchema;
      else if (def.type === "pipe") current = def.in as AnySchema;
      else if (def.type === "union") {
        const options = def.options as AnySchema[];
        const discriminator = def.discriminator as string | undefined;
        const actual = discriminator && v && typeof v === "object" ? (v as Record<string, unknown>)[discriminator] : undefined;
        current =
          options.find((o) => {
            const shape = (o._zod.def as { shape?: Record<string, AnySchema> }).shape;
            if (!shape) return false;
            if (!discriminator) return true;
            const lit = shape[discriminator]?._zod.def as { values?: unknown[] } | undefined;
            return lit?.values?.includes(actual);
          }) ?? undefined;
      } else return current;
    }
    return current;
  };
  for (const segment of [...path, null]) {
    node = resolve(node, data);
    if (!node) return [];
    if (segment === null) break;
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "object") node = (def.shape as Record<string, AnySchema>)[segment];
    else if (def.type === "record") node = def.valueType as AnySchema;
    else if (def.type === "array") node = def.element as AnySchema;
    else if (def.type === "tuple") node = (def.items as AnySchema[])[segment as number];
    else return [];
    data = data && typeof data === "object" ? (data as Record<string | number, unknown>)[segment] : undefined;
  }
  const shape = (node?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}
