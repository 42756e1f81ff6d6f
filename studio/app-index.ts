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

/** The last index of each file, with the text it was made from. */
const cache = new Map<string, { text: string; documents: IndexedDocument[] }>();

/** The documents of one file (memoised by text: the studio asks many times for the same text). */
export function indexFile(file: string, text: string): IndexedDocument[] {
  const known = cache.get(file);
  if (known?.text === text) return known.documents;
  const found: IndexedDocument[] = [];
  const counter = new LineCounter();
  const docs = parseDocuments(text);
  // The counter maps offsets to lines once it knows where each line starts.
  parseLines(text, counter);
  const lineOf = (offset: number) => counter.linePos(offset).line;
  docs.forEach((doc, index) => {
    const v = plainValue(doc, text);
    if (!v) return;
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
  cache.set(file, { text, documents: found });
  return found;
}

/**
 * The document as plain data with a string `kind` and `name`. A document that does not parse still
 * names itself when its top-level `kind:` and `name:` lines can be read: the studio then lists it,
 * with its problems, and its YAML view can fix it.
 */
function plainValue(
  doc: ReturnType<typeof parseDocuments>[number],
  text: string,
): (Record<string, unknown> & { kind: string; name: string }) | undefined {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    value = undefined;
  }
  const v = (isMap(doc.contents) && value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  if (typeof v.kind === "string" && typeof v.name === "string" && doc.errors.length === 0) return v as never;
  if (doc.errors.length === 0) return undefined;
  const source = text.slice(doc.range[0], doc.range[2]);
  const kind = /^kind:\s*([A-Za-z]+)\s*$/m.exec(source)?.[1];
  const name = /^name:\s*([A-Za-z][A-Za-z0-9_]*)\s*$/m.exec(source)?.[1];
  return kind && name ? { ...v, kind, name } : undefined;
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
