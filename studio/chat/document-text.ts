/**
 * One document of a spec file as text: what a proposal's `before` is compared with, and where its
 * `after` goes. A document's text runs from just after its `---` line (or the file's start) to the
 * next document's `---` line (or the file's end): its leading and trailing comments belong to it, the
 * `---` lines to the file. Replacing a document splices that range only, so the other documents and
 * the separators keep their bytes.
 */
import { parseDocuments } from "../yaml-edit";

interface Span {
  /** Where the document's `---` line starts (equal to `start` when it has none). */
  marker: number;
  start: number;
  end: number;
}

/** The spans of a file's documents, as the loader counts them (an empty file has none). */
function spans(text: string): Span[] {
  const bounds = parseDocuments(text).map((doc, i) => (i === 0 ? 0 : doc.range[0]));
  return bounds.map((bound, i) => {
    const end = bounds[i + 1] ?? text.length;
    // The first document's `---` line may follow comment lines; every later document starts at its own.
    const marker = i === 0 ? (/^(?:[ \t]*(?:#[^\n]*)?\n)*/.exec(text)?.[0].length ?? 0) : bound;
    const line = /^---(?=[ \t\r\n]|$)[^\n]*(?:\n|$)/.exec(text.slice(marker, end));
    return line ? { marker, start: marker + line[0].length, end } : { marker: bound, start: bound, end };
  });
}

/** The text of document `index` of a file; null when the file (null) or the document does not exist. */
export function documentText(file: string | null, index: number): string | null {
  if (file === null) return null;
  const span = spans(file)[index];
  return span ? file.slice(span.start, span.end) : null;
}

/**
 * The file with document `index` replaced by `text`, created (one past the last: appended after a
 * `---` line) or removed (`text` null: its `---` line goes with it). Null when nothing is left of the file.
 */
export function replaceDocument(file: string | null, index: number, text: string | null): string | null {
  const all = file === null ? [] : spans(file);
  const source = file ?? "";
  const span = all[index];
  if (!span) {
    if (text === null || index !== all.length) throw new RangeError(`the file has no document ${index}`);
    if (all.length === 0) return text;
    return `${source}${source.endsWith("\n") ? "" : "\n"}---\n${text}`;
  }
  if (text !== null) return source.slice(0, span.start) + text + source.slice(span.end);
  if (all.length === 1) return null;
  // The first document takes the next one's `---` line with it; any other, its own.
  const next = all[index + 1];
  return index === 0 && next
    ? source.slice(0, span.start) + source.slice(next.start)
    : source.slice(0, span.marker) + source.slice(span.end);
}
