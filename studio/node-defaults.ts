/**
 * The fields a new node of each type starts with (besides id and type): enough to read as that kind
 * of node in the form, named after the app's first entity and policy when it has them. The loader
 * still judges them like any other text; the user fills in the rest.
 */
import type { NodeType } from "../language/nodes";

export interface DefaultNames {
  entity?: string;
  policy?: string;
}

export function nodeDefaults(type: string, names: DefaultNames = {}): Record<string, unknown> {
  const entity = names.entity ?? "Entity";
  const external = { timeout: "5s", retry: { maxAttempts: 3 } };
  const defaults: Record<NodeType, Record<string, unknown>> = {
    read: { entity, where: { id: "input.id" }, one: true },
    write: { entity, action: "update", where: { id: "input.id" }, set: {} },
    sql: { query: "select 1", mode: "read" },
    transform: { value: "input" },
    if: { condition: "true" },
    switch: { value: "'a'", cases: ["a"] },
    assert: { condition: "true", error: { code: "CHECK_FAILED", status: 422, message: "the condition does not hold" } },
    policyCheck: names.policy ? { policy: names.policy } : { rule: "true" },
    transaction: { nodes: [] },
    retry: { nodes: [], policy: { maxAttempts: 3 } },
    payment: { action: "charge", amount: "100", currency: "'eur'", compensate: "refund", ...external },
    email: { to: "'someone@example.com'", subject: "'Subject'", body: "'Body'", ...external },
    http: { method: "GET", url: "'https://example.com'", ...external },
  };
  return structuredClone(defaults[type as NodeType] ?? {});
}
