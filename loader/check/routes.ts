import type { Diagnostic } from "../diagnostics";
import type { SpecSet } from "../model";
import { describeReservedPaths, isReservedPath, routeKey } from "../../contracts/routes";

/** Two tools may not answer the same method and path (path parameter names do not matter). */
export function checkRoutes(specs: SpecSet, out: Diagnostic[]): void {
  const seen = new Map<string, string>();
  for (const { spec, doc } of specs.tools.values()) {
    const { http, webhook } = spec.trigger;
    const path = http?.path ?? webhook?.path;
    if (path === undefined) continue;
    const route = `${http ? http.method : "POST"} ${path}`;
    const at = doc.locate(["trigger", http ? "http" : "webhook", "path"]);
    if (isReservedPath(path)) {
      out.push({
        ...at,
        code: "FS033",
        message: `${path} is reserved by the executor`,
        expected: `a path outside ${describeReservedPaths()}`,
      });
      continue;
    }
    const key = routeKey({ method: http ? http.method : "POST", path });
    const other = seen.get(key);
    if (other) out.push({ ...at, code: "FS033", message: `${route} is already served by tool ${other}` });
    else seen.set(key, spec.name);
  }
}
