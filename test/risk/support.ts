/**
 * Spec builders for risk and plan tests. Every spec a test builds goes through the real loader,
 * which must accept it: a case that only passes because its spec is invalid would prove nothing.
 */
import { formatDiagnostic } from "../../loader/diagnostics";
import { loadSpecObjects } from "../../loader/load";
import { compileTool, type CompiledTool } from "../../compiler/flow/compile";
import { assessTool, entityMap, type ToolAssessment } from "../../risk/engine";

export const ENTITIES = [
  {
    kind: "Entity",
    name: "Account",
    fields: { email: { type: "string", unique: true }, balance: { type: "integer" }, note: { type: "string", optional: true } },
    status: {
      field: "state",
      initial: "open",
      states: ["open", "frozen", "closed"],
      transitions: [
        { from: "open", to: "frozen" },
        { from: "frozen", to: "open" },
        { from: ["open", "frozen"], to: "closed" },
      ],
    },
  },
  {
    kind: "Entity",
    name: "Order",
    fields: { total: { type: "integer", min: 0 }, code: { type: "string", unique: true }, note: { type: "string", optional: true } },
    relationships: { account: { kind: "belongsTo", entity: "Account" } },
    status: {
      initial: "pending",
      states: ["pending", "paid", "shipped", "cancelled"],
      transitions: [
        { from: "pending", to: "paid" },
        { from: "paid", to: "shipped" },
        { from: ["pending", "paid"], to: "cancelled" },
      ],
    },
  },
  { kind: "Entity", name: "Tag", fields: { label: { type: "string" }, status: { type: "enum", values: ["a", "b"] } } },
] as const;

export type Obj = Record<string, unknown>;

/** A tool that is Green unless its flow makes it otherwise: http, roles, timeout, idempotency. */
export function tool(nodes: Obj[], edges: Obj[] = [], extra: Obj = {}): Obj {
  return {
    kind: "Tool",
    name: "subject",
    trigger: { http: { method: "POST", path: "/orders/{orderId}" } },
    input: { orderId: { type: "uuid" }, flag: { type: "boolean" }, kind: { type: "enum", values: ["a", "b"] } },
    auth: { roles: ["staff"] },
    timeout: "20s",
    idempotency: "optional",
    ...extra,
    flow: { nodes, edges },
  };
}

/** Edges along a path: chain("a", "b", "c") is a → b → c. */
export function chain(...ids: string[]): Obj[] {
  return ids.slice(1).map((to, i) => ({ from: ids[i], to }));
}

export const loadOrder = (id = "load", extra: Obj = {}): Obj => ({
  id,
  type: "read",
  entity: "Order",
  where: { id: "input.orderId" },
  one: true,
  ...extra,
});
export const tx = (nodes: string[], extra: Obj = {}): Obj => ({ id: "tx", type: "transaction", nodes, ...extra });
export const updateOrder = (id = "save", extra: Obj = {}): Obj => ({
  id,
  type: "write",
  entity: "Order",
  action: "update",
  where: { id: "nodes.load.id" },
  set: { note: "'seen'" },
  ...extra,
});
export const transitionOrder = (id: string, to: string, where: Obj = { id: "nodes.load.id" }): Obj => ({
  id,
  type: "write",
  entity: "Order",
  action: "transition",
  where,
  to,
});
export const email = (id = "mail", extra: Obj = {}): Obj => ({
  id,
  type: "email",
  to: "'ops@example.com'",
  subject: "'s'",
  body: "'b'",
  timeout: "5s",
  retry: { maxAttempts: 3, initialInterval: "100ms" },
  ...extra,
});
export const http = (id = "call", extra: Obj = {}): Obj => ({
  id,
  type: "http",
  method: "GET",
  url: "'https://example.com/x'",
  timeout: "5s",
  retry: { maxAttempts: 3, initialInterval: "100ms" },
  ...extra,
});
export const charge = (id = "charge", extra: Obj = {}): Obj => ({
  id,
  type: "payment",
  action: "charge",
  amount: "nodes.load.total",
  currency: "'eur'",
  compensate: "refund",
  timeout: "5s",
  retry: { maxAttempts: 3, initialInterval: "100ms" },
  ...extra,
});
export const refund = (id = "refund", extra: Obj = {}): Obj => ({
  id,
  type: "payment",
  action: "refund",
  payment: "nodes.load.code",
  timeout: "5s",
  retry: { maxAttempts: 3, initialInterval: "100ms" },
  ...extra,
});
export const sql = (id: string, mode: "read" | "write", query: string): Obj => ({ id, type: "sql", mode, query });

export function load(objects: readonly unknown[]) {
  const result = loadSpecObjects([...ENTITIES, ...objects]);
  if (!result.ok) throw new Error(`the test's specs are invalid:\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
  return result;
}

/** Loads one tool with the test entities, compiles it and judges it. */
export function compileOne(spec: Obj): CompiledTool {
  const { specs } = load([spec]);
  return compileTool(specs.tools.get(spec.name as string)!.spec, entityMap(specs));
}

export function assessOne(spec: Obj): ToolAssessment {
  return assessTool(compileOne(spec));
}
