/**
 * The one error for specs that do not load: whoever needs valid specs to go on (the components,
 * `fascia build`, `fascia dev`, the executor reading its manifest) throws this, carrying every
 * diagnostic, so users read the same message wherever the specs were refused and callers that
 * print diagnostics themselves (the CLI) can take the list instead of parsing the text.
 */
import { formatDiagnostic, type Diagnostic } from "./diagnostics";
import type { LoadResult } from "./load";
import type { SpecSet } from "./model";

export class InvalidSpecsError extends Error {
  constructor(
    /** What was loaded, as the user knows it: a folder, a component's name, the manifest. */
    readonly source: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    const count = `${diagnostics.length} spec ${diagnostics.length === 1 ? "error" : "errors"}`;
    // Indented under the first line, so the list stays one block inside Pulumi's and the logs' output.
    super(`${source} has ${count}:\n${diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join("\n")}`);
    this.name = "InvalidSpecsError";
  }
}

/** The specs of a load, or InvalidSpecsError with all its diagnostics. */
export function validSpecs(result: LoadResult, source: string): SpecSet {
  if (!result.ok) throw new InvalidSpecsError(source, result.diagnostics);
  return result.specs;
}
