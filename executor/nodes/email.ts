/** `email`: one message over SMTP; its Message-ID is fixed per invocation and node, so a resend is recognisable. */
import { fromCel, toCel } from "../cel/values";
import { attemptExternal } from "./external";
import type { NodeHandler } from "./handler";

export const runEmail: NodeHandler<"email"> = async (node, spec, ctx) => {
  const text = (field: "to" | "subject" | "body") => String(fromCel(ctx.evaluate(node, field, spec[field])) ?? "");
  const mail = {
    to: text("to"),
    subject: text("subject"),
    body: text("body"),
    from: ctx.services.emailFrom,
    messageId: `<${ctx.invocationId}.${node.id}@fascia.invalid>`,
  };
  const send = ctx.services.email(spec.secret);
  const sent = await attemptExternal(ctx, node, (timeoutMs) => send(mail, timeoutMs));
  ctx.effect({ node: node.id, kind: "email", id: sent.messageId });
  return toCel({ messageId: sent.messageId }, "tool.EmailResult", ctx.tool.types);
};
