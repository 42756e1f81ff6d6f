/**
 * `payment`: a charge or a refund on the Stripe-compatible API, always with an Idempotency-Key
 * (the spec's; else, in the flow, one derived from the invocation's key and the node id, and after
 * the commit one derived from the outbox row), so a retried attempt never charges twice. A charge
 * with `compensate: refund` arms its refund.
 */
import type { PlanNode } from "../../compiler/flow/plan";
import type { NodeOfType } from "../../language/nodes";
import { fromCel, toCel } from "../cel/values";
import type { EffectRequest } from "./effect-request";
import { ToolError } from "../errors/catalogue";
import { attemptEffect, runsAfterCommit } from "./external";
import type { NodeHandler } from "./handler";
import type { NodeContext } from "./node-context";

export const runPayment: NodeHandler<"payment"> = async (node, spec, ctx) => {
  const { request, given } = paymentRequest(node, spec, ctx);
  if (runsAfterCommit(node)) return ctx.enqueue(node, (key) => request(given ?? key));
  const idempotencyKey = given ?? ctx.paymentKey(node);
  const refundKey = `${idempotencyKey}:refund`;
  const charge = request(idempotencyKey);
  const compensated = charge.kind === "charge" && node.compensation !== undefined;
  const guard = compensated && charge.kind === "charge" ? await ctx.guard(node, { kind: "refundCharge", charge, refundKey }) : undefined;
  let done;
  try {
    done = await attemptEffect(ctx, node, charge);
  } catch (error) {
    if (guard && error instanceof ToolError && error.code === "PAYMENT_DECLINED") ctx.declined(guard);
    throw error;
  }
  const payment = done.output as { id: string };
  const armed = compensated
    ? { payment: payment.id, idempotencyKey: refundKey, apiKey: ctx.services.paymentsApiKey(spec.secret), ...(guard ? { guard } : {}) }
    : undefined;
  ctx.effect({ node: node.id, ...done.effect }, armed);
  return toCel(done.output, "tool.Payment", ctx.tool.types);
};

/** The node's request with its expressions evaluated, waiting only for its idempotency key. */
function paymentRequest(node: PlanNode, spec: NodeOfType<"payment">, ctx: NodeContext) {
  const text = (field: "currency" | "customer" | "payment" | "idempotencyKey") => {
    const expression = spec[field];
    if (expression === undefined) return undefined;
    const value = fromCel(ctx.evaluate(node, field, expression));
    return value === null || value === undefined ? undefined : String(value);
  };
  const amount = spec.amount !== undefined ? minorUnitsOf(ctx.evaluate(node, "amount", spec.amount), `flow.${node.id}.amount`) : undefined;
  const secret = spec.secret !== undefined ? { secret: spec.secret } : {};
  const given = text("idempotencyKey");
  if (spec.action === "charge") {
    const currency = text("currency")!;
    const customer = text("customer") ?? null;
    const description = `${ctx.tool.name}/${node.id}`;
    return {
      given,
      request: (idempotencyKey: string): EffectRequest => ({
        kind: "charge",
        ...secret,
        amount: amount!,
        currency,
        customer,
        idempotencyKey,
        description,
      }),
    };
  }
  const payment = text("payment")!;
  return {
    given,
    request: (idempotencyKey: string): EffectRequest => ({
      kind: "refund",
      ...secret,
      payment,
      ...(amount !== undefined ? { amount } : {}),
      idempotencyKey,
    }),
  };
}

/**
 * The amount (a CEL int, or a whole number from dyn JSON) as the number the payments API takes.
 * Beyond 2^53 a number would round silently, and a charge must be exactly what the spec
 * computed: that, like a fraction, is refused.
 */
function minorUnitsOf(value: unknown, where: string): number {
  const amount = typeof value === "bigint" || typeof value === "number" ? Number(value) : NaN;
  if (!Number.isSafeInteger(amount))
    throw ToolError.of("EXPRESSION_FAILED", undefined, [
      { path: where, message: `${String(value)} is not a whole number of minor units below 2^53` },
    ]);
  return amount;
}
