/**
 * A parsed spec document that still knows where every key and value came from, so later stages
 * can report `file:line:col` for any path into the document.
 */
import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar } from "yaml";
import type { Diagnostic, SourcePosition } from "../diagnostics";
import { scalarSourceOffset } from "./scalar-offsets";
import { placeYamlErrors } from "./yaml-errors";

export type SpecPath = readonly (string | number)[];

export interface SourceDocument {
  file: string;
  /** Position of the document within its file (0-based), for messages about whole documents. */
  index: number;
  /** The document as plain data (what the schemas validate). */
  value: unknown;
  /** Position of a key (`key: true`) or of the value at `path`; the nearest existing ancestor otherwise. */
  locate(path: SpecPath, opts?: { key?: boolean }): SourcePosition;
  /** Position of character `offset` inside the string scalar at `path` (for CEL errors). */
  locateInString(path: SpecPath, offset: number): SourcePosition;
}

export interface ParsedFile {
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
}

/**
 * The yaml library's documents of a text, parsed with the loader's options: anything that reads a
 * spec file's documents (to edit or splice them) sees the same documents, ranges and errors.
 */
export function parseYamlDocuments(text: string, lineCounter?: LineCounter): Document.Parsed[] {
  // logLevel "error": the library would otherwise print warnings (e.g. about collection keys) to stderr.
  const docs = parseAllDocuments(text, {
    ...(lineCounter ? { lineCounter } : {}),
    uniqueKeys: true,
    prettyErrors: false,
    logLevel: "error",
  });
  return Array.isArray(docs) ? docs : [];
}

/** Parses a YAML or JSON text (JSON is parsed as YAML 1.2 so it gets positions too). */
export function parseSpecText(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseYamlDocuments(text, lineCounter);
  const diagnostics: Diagnostic[] = [];
  const documents: SourceDocument[] = [];
  const list = docs;
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };

  list.forEach((doc, index) => {
    for (const error of placeYamlErrors(doc.errors, text)) {
      diagnostics.push({ ...position(error.offset), code: "FS002", message: error.message });
    }
    if (doc.errors.length > 0) return;
    // An empty document (a stray `---`) carries nothing to check.
    if (doc.contents === null) return;
    const root = doc.contents as Node;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // The yaml library refuses documents whose aliases expand exponentially ("billion laughs").
      diagnostics.push({
        ...position(root.range?.[0] ?? 0),
        code: "FS002",
        message: `document cannot be expanded: ${(error as Error).message}`,
      });
      return;
    }
    if (value === null || value === undefined) return;
    documents.push({
      file,
      index,
      value,
      locate: (path, opts) => position(offsetOf(root, path, opts?.key ?? false)),
      locateInString: (path, offset) => {
        const node = nodeAt(root, path);
        if (!node || !isScalar(node) || !node.range) return position(offsetOf(root, path, false));
        return locateInScalar(node, offset, text, position);
      },
    });
  });
  return { documents, diagnostics };
}

function nodeAt(root: Node, path: SpecPath): Node | undefined {
  let node: unknown = root;
  for (const segment of path) {
    const child = childOf(node, segment);
    if (!child) return undefined;
    node = child.value;
  }
  return node as Node;
}

function childOf(node: unknown, segment: string | number): { key?: Node; value: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
    if (!pair) return undefined;
    return { key: pair.key as Node, value: (pair.value ?? pair.key) as Node };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return item ? { value: item as Node } : undefined;
  }
  return undefined;
}

/** Offset of the deepest node along `path` that exists: errors land on the closest real text. */
function offsetOf(root: Node, path: SpecPath, wantKey: boolean): number {
  let node: unknown = root;
  let offset = root.range?.[0] ?? 0;
  path.forEach((segment, i) => {
    if (node === undefined) return;
    const child = childOf(node, segment);
    if (!child) {
      node = undefined;
      return;
    }
    const last = i === path.length - 1;
    const target = last && wantKey && child.key ? child.key : child.value;
    offset = target.range?.[0] ?? offset;
    node = child.value;
  });
  return offset;
}

function locateInScalar(node: Scalar, offset: number, text: string, position: (offset: number) => SourcePosition): SourcePosition {
  const source = scalarSourceOffset(node, offset, text);
  // A value the source cannot be matched to (an unusual escape) is reported at its start.
  return position(source ?? node.range![0]);
}
