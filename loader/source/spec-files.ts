import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SPEC_EXTENSIONS = [".yaml", ".yml", ".json"];

/**
 * Spec files below `dir`, recursively, in a stable order (sorted relative paths) so diagnostics and
 * generated artefacts never depend on the file system's listing order. Dot-folders (such as the
 * app's `.fascia/` state) and node_modules are skipped.
 */
export function findSpecFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SPEC_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) found.push(path);
    }
  };
  if (statSync(dir).isFile()) return [dir];
  walk(dir);
  return found.sort((a, b) => (relative(dir, a) < relative(dir, b) ? -1 : 1));
}
