import type { Diagnostic } from "../diagnostics";
import type { SpecSet } from "../model";

/** Two tools may not answer the same method and path (path parameter names do not matter). */
export function checkRoutes(specs: SpecSet, out: Diagnostic[]): void {
  const seen = new Map<string, string>();
  for (const { spec, doc } of specs.tools.values()) {
    const { http, webhook } = spec.trigger;
    const route = http ? `${http.method} ${http.path}` : webhook ? `POST ${webhook.path}` : undefined;
    if (!route) continue;
    const key = route.replace(/\{[^}]*\}/g, "{}").replace(/\/+$/, "");
    const other = seen.get(key);
    if (other) {
      out.push({ ...doc.locate(["trigger", http ? "http" : "webhook", "path"]), code: "FS033", message: `${route} is already served by tool ${other}` });
    } else seen.set(key, spec.name);
  }
}
