/**
 * A tool's responses: 200 with its output, and one response per error status naming the codes the
 * tool can answer with there (error-codes.ts), each with the invocation id header the executor
 * sets on every answer (executor/server/build-server.ts), and Retry-After on 429.
 */
import { INVOCATION_HEADER, REPLAYED_HEADER } from "../contracts/http-headers";
import type { ToolSpec } from "../language/tool";
import type { Idempotency, ToolErrorCode } from "./error-codes";
import type { JsonSchema } from "./json-schema";
import { outputSchema } from "./output-schema";
import { displayHeader } from "./security";

const INVOCATION_ID_HEADER = { [displayHeader(INVOCATION_HEADER)]: { $ref: "#/components/headers/InvocationId" } };

export function success(tool: ToolSpec, idempotency: Idempotency): JsonSchema {
  return {
    description: "The tool's output.",
    headers: {
      ...INVOCATION_ID_HEADER,
      ...(idempotency !== "none" ? { [displayHeader(REPLAYED_HEADER)]: { $ref: "#/components/headers/IdempotentReplayed" } } : {}),
    },
    content: { "application/json": { schema: outputSchema(tool.output) } },
  };
}

/** One response per status, naming every code the tool can answer with at that status. */
export function errorResponses(codes: readonly ToolErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ToolErrorCode[]>();
  for (const code of codes) byStatus.set(code.status, [...(byStatus.get(code.status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => [
        String(status),
        {
          description: list.map((c) => `\`${c.code}\`: ${c.message}${c.declared ? " (declared by the tool)" : ""}`).join("; "),
          headers: {
            ...INVOCATION_ID_HEADER,
            ...(status === 429 ? { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } : {}),
          },
          content: { "application/json": { schema: errorBody(list.map((c) => c.code)) } },
        },
      ]),
  );
}

function errorBody(codes: readonly string[]): JsonSchema {
  return {
    allOf: [
      { $ref: "#/components/schemas/Error" },
      { type: "object", properties: { error: { type: "object", properties: { code: { type: "string", enum: [...codes] } } } } },
    ],
  };
}
