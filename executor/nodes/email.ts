/** `email`: one message over SMTP; its Message-ID is fixed per invocation and node, so a resend is recognisable. */
import { fromCel, toCel } from "../cel/values";
import type { EffectRequest } from "./effect-request";
import { attemptEffect, runsAfterCommit } from "./external";
import type { NodeHandler } from "./handler";

export const runEmail: NodeHandler<"email"> = async (node, spec, ctx) => {
  const text = (field: "to" | "subject" | "body") => String(fromCel(ctx.evaluate(node, field, spec[field])) ?? "");
  const request: EffectRequest = {
    kind: "email",
    ...(spec.secret !== undefined ? { secret: spec.secret } : {}),
    to: text("to"),
    subject: text("subject"),
    body: text("body"),
    messageId: `<${ctx.invocationId}.${node.id}@fascia.invalid>`,
  };
  if (runsAfterCommit(node)) return ctx.enqueue(node, () => request);
  const done = await attemptEffect(ctx, node, request);
  ctx.effect({ node: node.id, ...done.effect });
  return toCel(done.output, "tool.EmailResult", ctx.tool.types);
};
