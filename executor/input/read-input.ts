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
      } else if (raw.body !== undefined && raw.body !== null && raw.body !== "") {
        if (typeof raw.body !== "object" || Array.isArray(raw.body)) problems.push({ path: "body", message: "must be a JSON object" });
        else for (const [name, v] of Object.entries(raw.body)) put(name, v, "body");
      }
      const parsed = validator.safeParse(value);
      if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => describe(issue, origin, value)));
      if (problems.length > 0) throw ToolError.of("INVALID_INPUT", undefined, problems);
      return parsed.data as Record<string, unknown>;
    },
  };
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
