/**
 * Every problem the spec loader finds is a Diagnostic: where it is, a stable code, what is wrong
 * and what was expected. Loading never throws on bad specs; it returns the full list.
 */
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./diagnostic-codes";

export interface SourcePosition {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

export interface Diagnostic extends SourcePosition {
  code: DiagnosticCode;
  message: string;
  /** The form that would have been accepted, when there is one to show. */
  expected?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const expected = d.expected ? ` (expected ${d.expected})` : "";
  return `${d.file}:${d.line}:${d.col}: error ${d.code}: ${d.message}${expected}`;
}

export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}

/** Removes exact repeats (one bad expression can be reported by two passes). */
export function dedupeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = formatDiagnostic(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function diagnosticTitle(code: DiagnosticCode): string {
  return DIAGNOSTIC_CODES[code];
}
