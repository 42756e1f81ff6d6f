import type { Diagnostic } from "../diagnostics";
import type { SpecSet } from "../model";

/**
 * Paths the executor serves itself (health, readiness, metrics, scheduled tools under /_fascia/,
 * the dev server's /_dev/): a tool there would collide with them at startup.
 */
const RESERVED_PATHS = ["/healthz", "/readyz", "/metrics"];
const RESERVED_PREFIXES = ["/_fascia/", "/_dev/"];

/** Two tools may not answer the same method and path (path parameter names do not matter). */
export function checkRoutes(specs: SpecSet, out: Diagnostic[]): void {
  const seen = new Map<string, string>();
  for (const { spec, doc } of specs.tools.values()) {
    const { http, webhook } = spec.trigger;
    const path = http?.path ?? webhook?.path;
    if (path === undefined) continue;
    const route = `${http ? http.method : "POST"} ${path}`;
    const at = doc.locate(["trigger", http ? "http" : "webhook", "path"]);
    const bare = path.replace(/\/+$/, "") || "/";
    if (RESERVED_PATHS.includes(bare) || RESERVED_PREFIXES.some((p) => `${bare}/`.startsWith(p))) {
      out.push({ ...at, code: "FS033", message: `${path} is reserved by the executor`, expected: `a path outside ${[...RESERVED_PATHS, ...RESERVED_PREFIXES.map((p) => `${p}…`)].join(", ")}` });
      continue;
    }
    const key = route.replace(/\{[^}]*\}/g, "{}").replace(/\/+$/, "");
    const other = seen.get(key);
    if (other) out.push({ ...at, code: "FS033", message: `${route} is already served by tool ${other}` });
    else seen.set(key, spec.name);
  }
}
