/**
 * Assembles a tool's input from the request — path parameters, then the query string (GET and
 * DELETE) or the JSON body — and validates it. Every problem comes back at once, each with the
 * place it came from (`path.reservationId`, `query.status`, `body.guests`).
 */
import type { z } from "zod";
import type { InputFieldSpec } from "../../language/field";
import { ToolError, type ErrorDetail } from "../errors/catalogue";
import { coerceText, inputValidator, type InputSource } from "./input-schema";

export interface RawRequestInput {
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Whether the route reads its input from the query string (GET, DELETE) or the body. */
  fromQuery: boolean;
}

export interface InputReader {
  read(raw: RawRequestInput): Record<string, unknown>;
}

export function createInputReader(fields: Record<string, InputFieldSpec> = {}): InputReader {
  const validator = inputValidator(fields);
  return {
    read(raw) {
      const problems: ErrorDetail[] = [];
      // No prototype: a body key "__proto__" stays an own (unknown, refused) field instead of
      // replacing the prototype and lending its properties as input fields.
      const value: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const origin = new Map<string, InputSource>();
      const put = (name: string, v: unknown, source: InputSource) => {
        if (origin.has(name) && JSON.stringify(value[name]) !== JSON.stringify(v)) {
          problems.push({ path: `${source}.${name}`, message: `also given in the ${origin.get(name)} with another value` });
          return;
        }
        value[name] = v;
        origin.set(name, source);
      };
      for (const [name, text] of Object.entries(raw.params)) put(name, coerceText(fields[name], text), "path");
      if (raw.fromQuery) {
        for (const [name, text] of Object.entries(raw.query)) {
          if (Array.isArray(text)) problems.push({ path: `query.${name}`, message: "given more than once" });
          else if (text !== undefined) put(name, coerceText(fields[name], text), "query");
        }
      } else {
        // The input comes from the body: a query parameter is no input field, refused like an unknown body field.
        for (const name of Object.keys(raw.query)) problems.push({ path: `query.${name}`, message: UNKNOWN_QUERY_PARAMETER });
        if (raw.body !== undefined && raw.body !== null && raw.body !== "") {
          if (typeof raw.body !== "object" || Array.isArray(raw.body)) problems.push({ path: "body", message: "must be a JSON object" });
          else for (const [name, v] of Object.entries(raw.body)) put(name, v, "body");
        }
      }
      for (const name of Object.keys(fields))
        if (origin.has(name)) problems.push(...unstorableText(value[name], `${origin.get(name)}.${name}`));
      const parsed = validator.safeParse(value);
      if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => describe(issue, origin, value)));
      if (problems.length > 0) throw ToolError.of("INVALID_INPUT", undefined, problems);
      return parsed.data as Record<string, unknown>;
    },
  };
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const UNKNOWN_QUERY_PARAMETER = "is not an input field of this tool (it reads its input from the body)";

/**
 * Text the database would change or refuse, anywhere in a field's value (keys of a json value
 * included): NUL, which PostgreSQL text cannot hold, and lone surrogates, which become U+FFFD.
 * Refused at its path rather than stored altered. Walked without recursion: a body may nest deeply.
 */
function unstorableText(value: unknown, path: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const check = (text: string, at: string) => {
    if (text.includes("\u0000")) problems.push({ path: at, message: "contains a NUL character (U+0000), which cannot be stored" });
    if (LONE_SURROGATE.test(text))
      problems.push({ path: at, message: "contains a lone surrogate (not valid Unicode), which would be stored altered" });
  };
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length > 0) {
    const [v, at] = pending.pop()!;
    if (typeof v === "string") check(v, at);
    else if (Array.isArray(v)) v.forEach((item, i) => pending.push([item, `${at}.${i}`]));
    else if (v !== null && typeof v === "object")
      for (const [key, item] of Object.entries(v)) {
        // The path names the key without the characters it is refused for.
        const keyPath = `${at}.${key.replaceAll("\u0000", "\\u0000").replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD")}`;
        check(key, keyPath);
        pending.push([item, keyPath]);
      }
  }
  return problems;
}

function describe(issue: z.core.$ZodIssue, origin: Map<string, InputSource>, given: Record<string, unknown>): ErrorDetail[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: `${origin.get(key) ?? "body"}.${key}`, message: "is not an input field of this tool" }));
  }
  const [field, ...rest] = issue.path.map(String);
  const source = field ? (origin.get(field) ?? "body") : "body";
  const path = [source, field, ...rest].filter(Boolean).join(".");
  if (rest.length === 0 && field !== undefined && given[field] === undefined) return [{ path, message: "is required" }];
  if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input"))
    return [{ path, message: `must be ${article(issue.expected)}` }];
  return [{ path, message: issue.message }];
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
