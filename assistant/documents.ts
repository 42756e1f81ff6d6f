/**
 * The documents of a spec file as spans of its text, and the one splice every change goes through:
 * a document's text replaced, added or removed, every other byte of the file (other documents,
 * comments above the first, the `---` markers) left as it was. The assistant applies proposals to
 * its in-memory copy with it; `fascia chat` and the studio apply accepted documents to the files
 * with it, so what a person accepts is exactly what was judged.
 */
import { isMap, type Document } from "yaml";
import { parseYamlDocuments } from "../loader/source/yaml-document";

export type SpecKind = "Entity" | "Tool" | "Policy";

export interface DocumentSpan {
  /** The document's place in its file, as the loader counts it. */
  index: number;
  kind: string | undefined;
  name: string | undefined;
  /** Where the document's own text starts (after its `---` line, if any) and ends. */
  start: number;
  end: number;
  /** Where the document starts with its `---` line. */
  outerStart: number;
  text: string;
}

/** The documents of `text`; a document that does not parse still names itself when its `kind:` and `name:` lines can be read. */
export function documentSpans(text: string): DocumentSpan[] {
  return parseYamlDocuments(text).map((doc, index) => {
    const outerStart = doc.range[0];
    const start = afterMarker(text, outerStart);
    const end = Math.max(start, lineEnd(text, doc.range[1]));
    const body = text.slice(start, end);
    const { kind, name } = identify(doc, body);
    return { index, kind, name, start, end, outerStart, text: body };
  });
}

/** The span of the document `kind`/`name` in `text`, if there is one. */
export function findDocument(text: string, kind: string, name: string): DocumentSpan | undefined {
  return documentSpans(text).find((d) => d.kind === kind && d.name === name);
}

/**
 * `text` (null: the file does not exist) with the document `kind`/`name` set to `after` (null:
 * removed). A new document goes at the end of the file after a `---`; a file left with no document
 * is null (to be deleted).
 */
export function spliceDocument(text: string | null, kind: string, name: string, after: string | null): string | null {
  const span = text !== null ? findDocument(text, kind, name) : undefined;
  const body = after !== null ? withNewline(after) : null;
  if (text === null || (span === undefined && text.trim() === "")) return body;
  if (span === undefined) {
    if (body === null) return text;
    return `${withNewline(text)}---\n${body}`;
  }
  if (body !== null) return text.slice(0, span.start) + body + text.slice(span.end);
  const spans = documentSpans(text);
  const next = spans[span.index + 1];
  // The first document goes with the next one's `---`, which would otherwise open the file; any other with its own.
  const removed =
    span.index === 0
      ? text.slice(0, span.start) + text.slice(next ? next.start : span.end)
      : text.slice(0, span.outerStart) + text.slice(span.end);
  return removed.trim() === "" ? null : removed;
}

function identify(doc: Document.Parsed, body: string): { kind: string | undefined; name: string | undefined } {
  if (doc.errors.length === 0 && isMap(doc.contents)) {
    const kind = doc.contents.get("kind");
    const name = doc.contents.get("name");
    return { kind: typeof kind === "string" ? kind : undefined, name: typeof name === "string" ? name : undefined };
  }
  return {
    kind: /^kind:\s*["']?([A-Za-z]+)["']?\s*(#.*)?$/m.exec(body)?.[1],
    name: /^name:\s*["']?([A-Za-z][A-Za-z0-9_]*)["']?\s*(#.*)?$/m.exec(body)?.[1],
  };
}

/** Past a `---` line at `offset` (the marker stays with the file's structure, not the document). */
function afterMarker(text: string, offset: number): number {
  if (!text.startsWith("---", offset)) return offset;
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

/** `offset`, or past the newline of the line it ends inside. */
function lineEnd(text: string, offset: number): number {
  if (offset === 0 || text[offset - 1] === "\n") return offset;
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
