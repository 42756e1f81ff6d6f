/**
 * A small app beside the example, for what the example's tools cannot show: a write followed by
 * a payment, a charge followed by a refused write, a status change the machine does not list, an
 * `if` branch, and a retry scope (with its savepoint) inside a transaction; and how tests serve
 * and call it.
 */
import type { LightMyRequestResponse } from "fastify";
import type { DriverName } from "../../../database/types";
import { manifestOf, startHarness, type Harness } from "./harness";

export function shopSpecs(opsUrl: string): unknown[] {
  const order = {
    kind: "Entity",
    name: "Order",
    fields: {
      item: { type: "string", maxLength: 50, unique: true },
      amount: { type: "integer", min: 1 },
      paymentId: { type: "string", optional: true },
    },
    status: {
      initial: "open",
      states: ["open", "paid", "shipped"],
      transitions: [
        { from: "open", to: "paid" },
        { from: "paid", to: "shipped" },
      ],
    },
  };
  const input = { item: { type: "string", maxLength: 50 }, amount: { type: "integer", min: 1 } };
  const charge = {
    id: "charge",
    type: "payment",
    action: "charge",
    amount: "input.amount",
    currency: "'eur'",
    compensate: "refund",
    secret: "PAYMENTS_API_KEY",
    timeout: "1s",
    retry: { maxAttempts: 2, initialInterval: "10ms" },
  };
  const tool = (name: string, path: string, extra: Record<string, unknown>) => ({
    kind: "Tool",
    name,
    trigger: { http: { method: "POST", path } },
    auth: { roles: ["clerk"] },
    timeout: "5s",
    ...extra,
  });
  return [
    order,
    tool("recordThenCharge", "/orders", {
      input,
      output: "{'id': nodes.record.id}",
      flow: {
        nodes: [
          { id: "record", type: "write", entity: "Order", action: "create", set: { item: "input.item", amount: "input.amount" } },
          charge,
          { id: "tx", type: "transaction", nodes: ["record", "charge"] },
        ],
        edges: [{ from: "record", to: "charge" }],
      },
    }),
    tool("chargeThenRecord", "/orders/paid", {
      input,
      output: "{'id': nodes.record.id, 'payment': nodes.charge.id}",
      flow: {
        nodes: [
          charge,
          {
            id: "record",
            type: "write",
            entity: "Order",
            action: "create",
            set: { item: "input.item", amount: "input.amount", paymentId: "nodes.charge.id" },
          },
          { id: "tx", type: "transaction", nodes: ["charge", "record"] },
        ],
        edges: [{ from: "charge", to: "record" }],
      },
    }),
    tool("ship", "/orders/{orderId}/ship", {
      input: { orderId: { type: "uuid" } },
      output: "{'status': nodes.ship.status}",
      flow: {
        nodes: [
          { id: "ship", type: "write", entity: "Order", action: "transition", where: { id: "input.orderId" }, to: "shipped" },
          { id: "tx", type: "transaction", nodes: ["ship"] },
        ],
      },
    }),
    tool("slowReport", "/reports/slow", {
      timeout: "300ms",
      output: "{'rows': size(nodes.report)}",
      flow: { nodes: [{ id: "report", type: "sql", mode: "read", query: "SELECT pg_sleep(3) AS slept" }] },
    }),
    tool("notify", "/notify", {
      input: { item: { type: "string", maxLength: 50 }, loud: { type: "boolean" } },
      output: "{'loud': nodes.check, 'id': nodes.record.id, 'status': nodes.check ? nodes.ping.status : 0}",
      flow: {
        nodes: [
          { id: "check", type: "if", condition: "input.loud" },
          // In the flow on purpose: these tests are about an http call's retries inside a transaction.
          {
            id: "ping",
            type: "http",
            method: "POST",
            url: `'${opsUrl}'`,
            body: "{'item': input.item}",
            expectStatus: 200,
            timeout: "1s",
            runs: "inFlow",
          },
          { id: "again", type: "retry", nodes: ["ping"], policy: { maxAttempts: 3, initialInterval: "10ms", retryOn: ["unavailable"] } },
          { id: "quiet", type: "transform", value: "'quiet'" },
          { id: "record", type: "write", entity: "Order", action: "create", set: { item: "input.item", amount: "1" } },
          { id: "tx", type: "transaction", nodes: ["check", "ping", "quiet", "record"] },
        ],
        edges: [
          { from: "check", to: "ping", when: true },
          { from: "check", to: "quiet", when: false },
          { from: "ping", to: "record" },
          { from: "quiet", to: "record" },
        ],
      },
    }),
  ];
}

/** The shop served by a fresh harness on `driver`. */
export function startShop(driver: DriverName): Promise<Harness> {
  return startHarness(driver, { manifest: (ops) => manifestOf(shopSpecs(ops), "shop") });
}

/** A POST to the shop as its clerk, with an Idempotency-Key when one is given. */
export function clerkPost(harness: () => Harness): (url: string, payload: unknown, key?: string) => Promise<LightMyRequestResponse> {
  return async (url, payload, key) => {
    const h = harness();
    return h.server.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${await h.token("clerk-1", ["clerk"])}`, ...(key ? { "idempotency-key": key } : {}) },
      payload: payload as Record<string, unknown>,
    });
  };
}
