import type { Diagnostic, SourcePosition } from "../diagnostics";
import type { ToolSpec } from "../../language/tool";
import type { Located, SpecSet } from "../model";
import { describeReservedPaths, isReservedPath, routeKey } from "../../contracts/routes";

/** What the route check needs of one tool; it depends on that tool alone, so an incremental loader can keep it. */
export interface ToolRouteClaim {
  /** `POST /rooms/{id}` as written, for messages. */
  readonly route: string;
  /** The route with parameter names erased: two tools with the same key collide. */
  readonly key: string;
  readonly at: SourcePosition;
  /** FS033 when the path is reserved by the executor (the tool then claims nothing). */
  readonly reserved?: Diagnostic;
}

/** The route a tool claims, or undefined for a scheduled tool (no path). */
export function routeClaim({ spec, doc }: Located<ToolSpec>): ToolRouteClaim | undefined {
  const { http, webhook } = spec.trigger;
  const path = http?.path ?? webhook?.path;
  if (path === undefined) return undefined;
  const method = http ? http.method : "POST";
  const at = doc.locate(["trigger", http ? "http" : "webhook", "path"]);
  const claim = { route: `${method} ${path}`, key: routeKey({ method, path }), at };
  if (!isReservedPath(path)) return claim;
  return {
    ...claim,
    reserved: {
      ...at,
      code: "FS033",
      message: `${path} is reserved by the executor`,
      expected: `a path outside ${describeReservedPaths()}`,
    },
  };
}

/** Two tools may not answer the same method and path (path parameter names do not matter). */
export function checkRoutes(specs: SpecSet, out: Diagnostic[], claimOf = routeClaim): void {
  const seen = new Map<string, string>();
  for (const tool of specs.tools.values()) {
    const claim = claimOf(tool);
    if (claim === undefined) continue;
    if (claim.reserved) {
      out.push(claim.reserved);
      continue;
    }
    const other = seen.get(claim.key);
    if (other) out.push({ ...claim.at, code: "FS033", message: `${claim.route} is already served by tool ${other}` });
    else seen.set(claim.key, tool.spec.name);
  }
}
