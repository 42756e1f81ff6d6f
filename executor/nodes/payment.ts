/**
 * `payment`: a charge or a refund on the Stripe-compatible API, always with an Idempotency-Key
 * (the spec's, or one derived from the invocation's key and the node id), so a retried attempt
 * never charges twice. A charge with `compensate: refund` arms its refund.
 */
import { fromCel, toCel } from "../cel/values";
import { ToolError } from "../errors/catalogue";
import { attemptExternal } from "./external";
import type { NodeHandler } from "./handler";

export const runPayment: NodeHandler<"payment"> = async (node, spec, ctx) => {
  const text = (field: "currency" | "customer" | "payment" | "idempotencyKey") => {
    const expression = spec[field];
    if (expression === undefined) return undefined;
    const value = fromCel(ctx.evaluate(node, field, expression));
    return value === null || value === undefined ? undefined : String(value);
  };
  const amount = spec.amount !== undefined ? minorUnitsOf(ctx.evaluate(node, "amount", spec.amount), `flow.${node.id}.amount`) : undefined;
  const idempotencyKey = text("idempotencyKey") ?? ctx.paymentKey(node);
  const apiKey = ctx.services.paymentsApiKey(spec.secret);
  const client = ctx.services.payments(apiKey);
  if (spec.action === "charge") {
    const payment = await attemptExternal(ctx, node, (timeoutMs) =>
      client.charge(
        {
          amount: amount!,
          currency: text("currency")!,
          customer: text("customer") ?? null,
          idempotencyKey,
          description: `${ctx.tool.name}/${node.id}`,
        },
        timeoutMs,
      ),
    );
    ctx.effect(
      { node: node.id, kind: "charge", id: payment.id, amount: payment.amount },
      node.compensation ? { payment: payment.id, idempotencyKey: `${idempotencyKey}:refund`, apiKey } : undefined,
    );
    return toCel(payment, "tool.Payment", ctx.tool.types);
  }
  const payment = await attemptExternal(ctx, node, (timeoutMs) =>
    client.refund({ payment: text("payment")!, ...(amount !== undefined ? { amount } : {}), idempotencyKey }, timeoutMs),
  );
  ctx.effect({ node: node.id, kind: "refund", id: payment.id, amount: payment.amount });
  return toCel(payment, "tool.Payment", ctx.tool.types);
};

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
