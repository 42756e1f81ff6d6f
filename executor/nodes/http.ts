/**
 * `http`: one request per attempt with the node's timeout; a status outside `expectStatus`
 * (default: any 2xx) fails the attempt, classified for retry (5xx unavailable, 429 rateLimited).
 * After the commit, the outbox sends it with an Idempotency-Key derived from its row unless the
 * node sets one, and a header that reads only secrets is evaluated at delivery, never stored.
 */
import { deliveryHeader } from "../../language/node-kinds";
import { fromCel, toCel } from "../cel/values";
import type { EffectRequest } from "./effect-request";
import { attemptEffect, runsAfterCommit } from "./external";
import type { NodeHandler } from "./handler";

export const runHttp: NodeHandler<"http"> = async (node, spec, ctx) => {
  const afterCommit = runsAfterCommit(node);
  const url = String(fromCel(ctx.evaluate(node, "url", spec.url)));
  const headers: Record<string, string> = {};
  const atDelivery: Record<string, string> = {};
  for (const [name, expression] of Object.entries(spec.headers ?? {})) {
    if (afterCommit && deliveryHeader(expression)) atDelivery[name] = expression;
    else headers[name.toLowerCase()] = String(fromCel(ctx.evaluate(node, `headers.${name}`, expression)));
  }
  let body: string | undefined;
  if (spec.body !== undefined) {
    const value = fromCel(ctx.evaluate(node, "body", spec.body));
    if (typeof value === "string") body = value;
    else {
      body = JSON.stringify(value);
      headers["content-type"] ??= "application/json";
    }
  }
  const expect = spec.expectStatus === undefined ? undefined : Array.isArray(spec.expectStatus) ? spec.expectStatus : [spec.expectStatus];
  const request = (extra: Record<string, string>): EffectRequest => ({
    kind: "http",
    method: spec.method,
    url,
    headers: { ...extra, ...headers },
    ...(body !== undefined ? { body } : {}),
    ...(expect ? { expect } : {}),
  });
  if (afterCommit)
    return ctx.enqueue(node, (key) => request({ "idempotency-key": key }), Object.keys(atDelivery).length > 0 ? atDelivery : undefined);
  const done = await attemptEffect(ctx, node, request({}));
  ctx.effect({ node: node.id, ...done.effect });
  return toCel(done.output, "tool.HttpResponse", ctx.tool.types);
};
