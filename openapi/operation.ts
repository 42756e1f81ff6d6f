/**
 * One tool → its OpenAPI operation, as the executor serves it (executor/server/build-server.ts,
 * executor/input/read-input.ts, executor/invoke/authenticate.ts and idempotency-key.ts):
 * `{name}` path segments bind input fields; GET and DELETE read the rest from the query string,
 * other methods from a JSON body; HTTP tools take a bearer JWT (optional for `public` tools),
 * webhooks the HMAC signature header; HTTP tools take an Idempotency-Key header unless their
 * idempotency is `none` (webhooks use the event id instead).
 */
import { IDEMPOTENCY_KEY_HEADER } from "../contracts/http-headers";
import type { ToolRoute } from "../contracts/routes";
import type { InputFieldSpec } from "../language/field";
import type { ToolSpec } from "../language/tool";
import { toolErrorCodes, type Idempotency } from "./error-codes";
import { fieldSchema, isRequired, type JsonSchema } from "./json-schema";
import { errorResponses, success } from "./responses";
import { displayHeader, operationSecurity } from "./security";

type HttpRoute = Extract<ToolRoute, { kind: "http" | "webhook" }>;

export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
}

/** Whether the executor reads a route's input from the query string rather than the body. */
function readsQuery(route: HttpRoute): boolean {
  return route.method === "GET" || route.method === "DELETE";
}

export function toolOperation(tool: ToolSpec, route: HttpRoute, idempotency: Idempotency): JsonSchema {
  const fields = Object.entries(tool.input ?? {});
  const inPath = new Set(pathParameterNames(route.path));
  const rest = fields.filter(([name]) => !inPath.has(name));
  const parameters = [
    ...fields.filter(([name]) => inPath.has(name)).map(([name, field]) => parameter(name, "path", field)),
    ...(readsQuery(route) ? rest.map(([name, field]) => parameter(name, "query", field)) : []),
    ...(route.kind === "http" && idempotency !== "none" ? [idempotencyParameter(idempotency === "required")] : []),
  ];
  const body = !readsQuery(route) && rest.length > 0 ? requestBody(rest) : undefined;
  return {
    operationId: tool.name,
    summary: tool.description ?? tool.name,
    tags: [route.kind === "webhook" ? "webhooks" : "tools"],
    security: operationSecurity(tool, route.kind),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: { "200": success(tool, idempotency), ...errorResponses(toolErrorCodes(tool, idempotency)) },
    "x-fascia-tool": tool.name,
    "x-fascia-trigger": route.kind,
    "x-fascia-idempotency": idempotency,
  };
}

function parameter(name: string, where: "path" | "query", field: InputFieldSpec): JsonSchema {
  const required = where === "path" || isRequired(field);
  return {
    name,
    in: where,
    required,
    ...(field.description ? { description: field.description } : {}),
    // Text in a URL is never JSON null: a parameter is given or left out.
    schema: fieldSchema(field, false),
  };
}

function idempotencyParameter(required: boolean): JsonSchema {
  return {
    name: displayHeader(IDEMPOTENCY_KEY_HEADER),
    in: "header",
    required,
    description: required
      ? "One key per logical operation, the same on every retry of it: a repeated key replays the stored response. Required by this tool."
      : "One key per logical operation, the same on every retry of it: a repeated key replays the stored response.",
    schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[^\\x00-\\x1f\\x7f]+$" },
  };
}

function requestBody(fields: readonly [string, InputFieldSpec][]): JsonSchema {
  const required = fields.filter(([, f]) => isRequired(f)).map(([name]) => name);
  return {
    required: required.length > 0,
    content: {
      "application/json": {
        schema: {
          type: "object",
          properties: Object.fromEntries(fields.map(([name, field]) => [name, fieldSchema(field)])),
          ...(required.length > 0 ? { required } : {}),
          // Step 2 refuses unknown fields.
          additionalProperties: false,
        },
      },
    },
  };
}
