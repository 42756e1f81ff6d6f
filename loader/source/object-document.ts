/**
 * A spec given as an object (from TypeScript) has no text, so positions fall back to the document's
 * label and index; messages still name the field path.
 */
import type { SourceDocument } from "./yaml-document";

export function objectDocument(label: string, index: number, value: unknown): SourceDocument {
  const kind = (value as { kind?: unknown; name?: unknown } | null) ?? {};
  const name = typeof kind.name === "string" ? `${String(kind.kind ?? "spec")} ${kind.name}` : `document ${index + 1}`;
  const position = { file: `${label} (${name})`, line: 1, col: 1 };
  return { file: position.file, index, value, locate: () => position, locateInString: () => position };
}
