/**
 * `http`: one request per attempt with the node's timeout; a status outside `expectStatus`
 * (default: any 2xx) fails the attempt, classified for retry (5xx unavailable, 429 rateLimited).
 */
import { fromCel, toCel } from "../cel/values";
import { AttemptError } from "../errors/flow-error";
import { callHttp, classifyStatus, hostOf } from "../effects/http-call";
import { attemptExternal } from "./external";
import type { NodeHandler } from "./handler";

export const runHttp: NodeHandler<"http"> = async (node, spec, ctx) => {
  const url = String(fromCel(ctx.evaluate(node, "url", spec.url)));
  const headers: Record<string, string> = {};
  for (const [name, expression] of Object.entries(spec.headers ?? {}))
    headers[name.toLowerCase()] = String(fromCel(ctx.evaluate(node, `headers.${name}`, expression)));
  let body: string | undefined;
  if (spec.body !== undefined) {
    const value = fromCel(ctx.evaluate(node, "body", spec.body));
    if (typeof value === "string") body = value;
    else {
      body = JSON.stringify(value);
      headers["content-type"] ??= "application/json";
    }
  }
  const expected = spec.expectStatus === undefined ? undefined : Array.isArray(spec.expectStatus) ? spec.expectStatus : [spec.expectStatus];
  const result = await attemptExternal(ctx, node, async (timeoutMs) => {
    const target = ctx.services.routeHttp(url);
    const response = await callHttp({
      method: spec.method,
      url: target.url,
      headers: { ...headers, ...target.headers },
      ...(body !== undefined ? { body } : {}),
      timeoutMs,
    });
    const ok = expected ? expected.includes(response.status) : response.status >= 200 && response.status < 300;
    if (!ok)
      throw new AttemptError(
        `${spec.method} ${hostOf(url)} answered ${response.status}${expected ? `, expected ${expected.join(" or ")}` : ""}`,
        classifyStatus(response.status),
      );
    return response;
  });
  ctx.effect({ node: node.id, kind: "http", id: `${spec.method} ${hostOf(url)} ${result.status}` });
  return toCel({ status: result.status, headers: result.headers, body: result.body }, "tool.HttpResponse", ctx.tool.types);
};
