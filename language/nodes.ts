/**
 * Flow node types. One strict object per `type`; `NODE_TYPES` and the `FlowNode` union are the
 * single list later stages dispatch on (a `Record<NodeType, …>` there fails to compile when a
 * type is added here without a handler).
 */
import { z } from "zod";
import { CamelName, Cel, Description, Duration, NodeId, PascalName, SecretName, StateName } from "./common";
import { CHANGES_NOTHING_NODE_TYPES } from "./node-kinds";

export const RetryPolicySpec = z.strictObject({
  maxAttempts: z.int().min(1).max(100),
  initialInterval: Duration.optional(),
  backoffCoefficient: z.number().min(1).max(10).optional(),
  maxInterval: Duration.optional(),
  retryOn: z
    .array(z.enum(["timeout", "unavailable", "rateLimited", "conflict"]))
    .optional()
    .meta({ description: "Failure classes worth another attempt; default: timeout, unavailable, rateLimited" }),
});

export const NodeErrorSpec = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  status: z.int().min(400).max(599),
  message: z.string().min(1),
});

const ComparisonSpec = z.strictObject({
  eq: Cel.optional(),
  ne: Cel.optional(),
  lt: Cel.optional(),
  lte: Cel.optional(),
  gt: Cel.optional(),
  gte: Cel.optional(),
  in: Cel.optional(),
});
export const WhereSpec = z.record(CamelName, z.union([Cel, ComparisonSpec]));
export { COMPARISON_OPERATORS, effectTiming, isScopeNode, type EffectTiming } from "./node-kinds";

const base = { id: NodeId, description: Description.optional(), timeout: Duration.optional() };
const external = {
  ...base,
  retry: RetryPolicySpec.optional(),
  secret: SecretName.optional(),
  runs: z.enum(["inFlow", "afterCommit"]).optional().meta({
    description:
      "When the effect happens: in the flow, or from the outbox after the commit (default: afterCommit for a refund, an email and an http call other than GET/HEAD; inFlow otherwise)",
  }),
};

export const ReadNode = z.strictObject({
  ...base,
  type: z.literal("read"),
  entity: PascalName,
  where: WhereSpec.optional(),
  one: z.boolean().optional(),
  limit: z.int().min(1).max(10_000).optional(),
  orderBy: z.array(z.strictObject({ field: CamelName, direction: z.enum(["asc", "desc"]).optional() })).optional(),
  lock: z.enum(["update", "share"]).optional(),
});

export const WriteNode = z.strictObject({
  ...base,
  type: z.literal("write"),
  entity: PascalName,
  action: z.enum(["create", "update", "delete", "transition"]),
  where: WhereSpec.optional(),
  set: z.record(CamelName, Cel).optional(),
  to: StateName.optional(),
});

export const TransformNode = z.strictObject({ ...base, type: z.literal("transform"), value: Cel });
export const IfNode = z.strictObject({ ...base, type: z.literal("if"), condition: Cel });
export const SwitchNode = z.strictObject({
  ...base,
  type: z.literal("switch"),
  value: Cel,
  cases: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
});

export const RetryNode = z.strictObject({
  ...base,
  type: z.literal("retry"),
  nodes: z.array(NodeId).min(1),
  policy: RetryPolicySpec,
});

export const TransactionNode = z.strictObject({
  ...base,
  type: z.literal("transaction"),
  nodes: z.array(NodeId).min(1),
  isolation: z.enum(["readCommitted", "repeatableRead", "serializable"]).optional(),
});

export const PaymentNode = z.strictObject({
  ...external,
  type: z.literal("payment"),
  action: z.enum(["charge", "refund"]),
  amount: Cel.optional().meta({ description: "Minor units (cents); required for a charge, a partial amount for a refund" }),
  currency: Cel.optional(),
  customer: Cel.optional(),
  payment: Cel.optional().meta({ description: "The payment (charge) id a refund returns money for" }),
  compensate: z.enum(["refund", "none"]).optional(),
  idempotencyKey: Cel.optional(),
});

export const EmailNode = z.strictObject({ ...external, type: z.literal("email"), to: Cel, subject: Cel, body: Cel });

export const HttpNode = z.strictObject({
  ...external,
  type: z.literal("http"),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
  url: Cel,
  headers: z.record(z.string(), Cel).optional(),
  body: Cel.optional(),
  expectStatus: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional(),
});

export const PolicyCheckNode = z.strictObject({
  ...base,
  type: z.literal("policyCheck"),
  policy: CamelName.optional(),
  rule: Cel.optional(),
  error: NodeErrorSpec.optional(),
});

export const AssertNode = z.strictObject({ ...base, type: z.literal("assert"), condition: Cel, error: NodeErrorSpec });

export const SqlNode = z.strictObject({
  ...base,
  type: z.literal("sql"),
  query: z.string().min(1),
  params: z.array(Cel).optional(),
  mode: z.enum(["read", "write"]),
});

export const FlowNodeSpec = z.discriminatedUnion("type", [
  ReadNode,
  WriteNode,
  TransformNode,
  IfNode,
  SwitchNode,
  RetryNode,
  TransactionNode,
  PaymentNode,
  EmailNode,
  HttpNode,
  PolicyCheckNode,
  AssertNode,
  SqlNode,
]);

export type FlowNodeSpec = z.infer<typeof FlowNodeSpec>;
export type NodeType = FlowNodeSpec["type"];
export type NodeOfType<T extends NodeType> = Extract<FlowNodeSpec, { type: T }>;
export const NODE_TYPES: readonly NodeType[] = FlowNodeSpec.options.map((o) => o.shape.type.value);
export const SCOPE_NODE_TYPES = ["transaction", "retry"] as const satisfies readonly NodeType[];
export const EXTERNAL_NODE_TYPES = ["payment", "email", "http"] as const satisfies readonly NodeType[];
// node-kinds.ts cannot name NodeType (this module re-exports it): its list is checked here.
void (CHANGES_NOTHING_NODE_TYPES satisfies readonly NodeType[]);
export const BRANCH_NODE_TYPES = ["if", "switch"] as const satisfies readonly NodeType[];

export type ScopeNode = NodeOfType<(typeof SCOPE_NODE_TYPES)[number]>;
export type RetryPolicySpec = z.infer<typeof RetryPolicySpec>;
export type WhereSpec = z.infer<typeof WhereSpec>;
