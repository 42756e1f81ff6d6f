/**
 * Every spec document of the app as written, found by kind and name, whether or not the loader
 * accepts it: a tool the loader refuses still has a file, a document, and nodes to draw. Each
 * document also knows its line span, so a diagnostic can be told which document it falls in.
 */
import { LineCounter, isMap, isSeq, type Node } from "yaml";
import type { AppDocuments } from "./documents";
import { parseDocuments } from "./yaml-edit";

export interface IndexedDocument {
  kind: string;
  name: string;
  file: string;
  /** Position of the document within its file (0-based), as the loader counts it. */
  index: number;
  /** The document as plain data. */
  value: Record<string, unknown>;
  /** First and last line (1-based) of the document's text. */
  lines: [number, number];
  /** Line spans of the items of `flow.nodes`, with their ids (for tools). */
  nodeLines: { id: string; lines: [number, number] }[];
}

const cache = new Map<string, IndexedDocument[]>();

/** The documents of one file (memoised by text: the studio asks many times for the same text). */
export function indexFile(file: string, text: string): IndexedDocument[] {
  const key = `${file}\u0000${text}`;
  const known = cache.get(key);
  if (known) return known;
  const found: IndexedDocument[] = [];
  const counter = new LineCounter();
  const docs = parseDocuments(text);
  // Line numbers need a counter fed by a parse; a second parse with it is cheap next to the checks.
  parseLines(text, counter);
  const lineOf = (offset: number) => counter.linePos(offset).line;
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0 || !isMap(doc.contents)) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      return;
    }
    const v = value as Record<string, unknown>;
    if (typeof v.kind !== "string" || typeof v.name !== "string") return;
    const range = doc.range;
    const nodes = doc.getIn(["flow", "nodes"], true) as Node | undefined;
    const nodeLines = isSeq(nodes)
      ? (nodes.items as Node[]).flatMap((item) => {
          const id = isMap(item) ? item.get("id") : undefined;
          return typeof id === "string" && item.range
            ? [{ id, lines: [lineOf(item.range[0]), lineOf(Math.max(item.range[0], item.range[1] - 1))] as [number, number] }]
            : [];
        })
      : [];
    found.push({
      kind: v.kind,
      name: v.name,
      file,
      index,
      value: v,
      lines: [lineOf(range[0]), lineOf(Math.max(range[0], range[2] - 1))],
      nodeLines,
    });
  });
  if (cache.size > 500) cache.clear();
  cache.set(key, found);
  return found;
}

function parseLines(text: string, counter: LineCounter): void {
  let at = 0;
  counter.addNewLine(0);
  for (;;) {
    const nl = text.indexOf("\n", at);
    if (nl === -1) break;
    counter.addNewLine(nl + 1);
    at = nl + 1;
  }
}

export function indexApp(app: AppDocuments): IndexedDocument[] {
  return app.files().flatMap((file) => indexFile(file, app.text(file)));
}

export function findDocument(app: AppDocuments, kind: string, name: string): IndexedDocument | undefined {
  return indexApp(app).find((d) => d.kind === kind && d.name === name);
}
