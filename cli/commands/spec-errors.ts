/**
 * How every command prints specs that do not load: each diagnostic on its own line of stderr, as
 * `fascia validate` shows them, then one line with the count. Commands that need valid specs to
 * do their own job (graph, plan) also say to fix them first.
 */
import { formatDiagnostic, type Diagnostic } from "../../loader/diagnostics";
import type { CliIO } from "../io";

export function printSpecErrors(io: CliIO, diagnostics: readonly Diagnostic[], dir: string, command?: string): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const count = `${diagnostics.length} ${diagnostics.length === 1 ? "error" : "errors"}`;
  io.err(command ? `fascia ${command}: ${dir} has ${count}; fix them first (fascia validate ${dir})` : `${count} in ${dir}`);
}
