/**
 * Which error codes one tool can answer with: the catalogue's codes its trigger, auth, policies,
 * idempotency and nodes make possible (contracts/error-catalogue.ts), then the codes its own
 * `assert` and `policyCheck` nodes declare. A code is left out only when the tool certainly
 * cannot meet it; listing one that never happens misleads less than missing one that does.
 */
import { EXECUTOR_ERRORS, type ExecutorErrorCode } from "../contracts/error-catalogue";
import { effectTiming } from "../language/node-kinds";
import type { FlowNodeSpec } from "../language/nodes";
import type { ToolSpec } from "../language/tool";

export type Idempotency = "required" | "optional" | "none";

export interface ToolErrorCode {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  /** True for a code the spec declares itself (an assert's or policyCheck's `error`). */
  readonly declared: boolean;
}

/** Codes any invocation can meet: the request itself, limits, the deadline, expressions, the service's state. */
const ALWAYS = [
  "UNAUTHENTICATED",
  "INVALID_INPUT",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
  "DEADLINE_EXCEEDED",
  "EXPRESSION_FAILED",
  "REQUEST_TIMEOUT",
  "HEADERS_TOO_LARGE",
  "UNAVAILABLE",
  "INTERNAL",
] as const satisfies readonly ExecutorErrorCode[];

type Condition = (tool: ToolSpec, nodes: readonly FlowNodeSpec[], idempotency: Idempotency) => boolean;

const writes = (nodes: readonly FlowNodeSpec[]) => nodes.some((n) => n.type === "write" || (n.type === "sql" && n.mode === "write"));

/** The other catalogue codes, each with when a tool can meet it. */
const WHEN: { readonly [C in Exclude<ExecutorErrorCode, (typeof ALWAYS)[number] | "ROUTE_NOT_FOUND">]: Condition } = {
  // Step 3 is skipped for public tools (executor/invoke/invoke.ts, authorize).
  FORBIDDEN: (tool) => !tool.auth?.public && tool.auth?.roles !== undefined,
  POLICY_DENIED: (tool, nodes) => (tool.policies ?? []).length > 0 || nodes.some((n) => n.type === "policyCheck" && !n.error),
  IDEMPOTENCY_KEY_REQUIRED: (_t, _n, idempotency) => idempotency === "required",
  IDEMPOTENCY_CONFLICT: (_t, _n, idempotency) => idempotency !== "none",
  IDEMPOTENCY_IN_FLIGHT: (_t, _n, idempotency) => idempotency !== "none",
  NOT_FOUND: (_t, nodes) => nodes.some((n) => (n.type === "read" && n.one) || n.type === "write"),
  // An effect that waits for its commit (the outbox) cannot fail the invocation any more.
  UPSTREAM_FAILED: (_t, nodes) => nodes.some((n) => ["payment", "email", "http"].includes(n.type) && effectTiming(n) === "inFlow"),
  PAYMENT_DECLINED: (_t, nodes) => nodes.some((n) => n.type === "payment" && n.action === "charge"),
  CONFLICT: (_t, nodes) => writes(nodes) || nodes.some((n) => n.type === "transaction"),
  INVARIANT_VIOLATED: (_t, nodes) => writes(nodes),
  INVALID_TRANSITION: (_t, nodes) => writes(nodes),
  INVALID_REFERENCE: (_t, nodes) => writes(nodes),
};

export function toolErrorCodes(tool: ToolSpec, idempotency: Idempotency): ToolErrorCode[] {
  const nodes = tool.flow.nodes;
  const catalogue = (Object.keys(EXECUTOR_ERRORS) as ExecutorErrorCode[])
    .filter((code) =>
      (ALWAYS as readonly string[]).includes(code)
        ? true
        : code in WHEN
          ? WHEN[code as keyof typeof WHEN](tool, nodes, idempotency)
          : false,
    )
    .map((code) => ({ code, status: EXECUTOR_ERRORS[code].status, message: EXECUTOR_ERRORS[code].message, declared: false }));
  const declared = new Map<string, ToolErrorCode>();
  for (const node of nodes) {
    const error = node.type === "assert" || node.type === "policyCheck" ? node.error : undefined;
    if (error && !declared.has(error.code)) declared.set(error.code, { ...error, declared: true });
  }
  return [...catalogue, ...declared.values()];
}
