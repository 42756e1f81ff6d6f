/**
 * Edits YAML text the way a careful person would: find the node with the yaml library's Document
 * API, then splice the text. The library's re-stringified documents differ from hand-written files
 * (alignment, flow maps, quoting), so a whole document is never written back: everything outside
 * the changed range stays byte-identical, comments included. Each primitive takes a text and returns
 * the new text; callers re-parse before the next one (ranges move).
 */
import { isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { parseYamlDocuments } from "../loader/source/yaml-document";

export type YamlPath = readonly (string | number)[];

/** A refused splice: the path does not lead where the primitive needs it to. */
export class YamlEditError extends Error {}

/** The same options the loader parses with, so ranges mean the same thing. */
export const parseDocuments = (text: string): Document.Parsed[] => parseYamlDocuments(text);

function documentAt(text: string, index: number): Document.Parsed {
  const doc = parseDocuments(text)[index];
  if (!doc) throw new YamlEditError(`the file has no document ${index}`);
  if (doc.errors.length > 0) throw new YamlEditError(`the document does not parse: ${doc.errors[0]!.message}`);
  return doc;
}

interface Located {
  node: Node;
  /** The pair holding the node, when it is a map value. */
  pair?: Pair;
  /** True when the node sits inside a flow collection: new text must be flow style. */
  inFlow: boolean;
}

function locate(doc: Document.Parsed, path: YamlPath): Located | undefined {
  let node = doc.contents as Node | null;
  let pair: Pair | undefined;
  let inFlow = false;
  for (const segment of path) {
    if (!node) return undefined;
    inFlow ||= (isMap(node) || isSeq(node)) && node.flow === true;
    if (isMap(node)) {
      pair = findPair(node, segment);
      if (!pair) return undefined;
      node = pair.value as Node | null;
      if (!node) return undefined;
    } else if (isSeq(node) && typeof segment === "number") {
      node = (node.items[segment] as Node | undefined) ?? null;
      pair = undefined;
      if (!node) return undefined;
    } else return undefined;
  }
  return node ? { node, inFlow, ...(pair ? { pair } : {}) } : undefined;
}

function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key)) as Pair | undefined;
}

/**
 * A document written in flow style from its root (a JSON spec file, or YAML written like JSON) gets
 * new values in JSON's style, quoted keys and strings, so a JSON file stays JSON.
 */
function jsonStyle(doc: Document.Parsed): boolean {
  return (isMap(doc.contents) || isSeq(doc.contents)) && doc.contents.flow === true;
}

/** The collection at `path`, or a refusal naming the path. */
function collectionAt(text: string, docIndex: number, path: YamlPath) {
  const doc = documentAt(text, docIndex);
  const found = path.length === 0 ? { node: doc.contents as Node, inFlow: false } : locate(doc, path);
  if (!found || !(isMap(found.node) || isSeq(found.node))) throw new YamlEditError(`${pathText(path)} is not a map or a list`);
  const inFlow = found.inFlow || found.node.flow === true;
  return { doc, node: found.node, inFlow, pair: found.pair, json: jsonStyle(doc) };
}

export function pathText(path: YamlPath): string {
  return path.length === 0 ? "(document)" : path.map((s) => String(s)).join(".");
}

/** The value at `path` as plain data; undefined when absent. */
export function valueAt(text: string, docIndex: number, path: YamlPath): unknown {
  let value: unknown = documentAt(text, docIndex).toJS();
  for (const segment of path) value = (value as Record<string | number, unknown> | null | undefined)?.[segment];
  return value;
}

// ---------------------------------------------------------------- rendering new values

// YAML 1.2's keywords, and YAML 1.1's booleans that other tools still read as such.
const KEYWORD = /^(true|false|null|yes|no|on|off|~)$/i;

/** A scalar as the example files write it: plain when it cannot be misread, else double-quoted. */
export function renderScalar(value: unknown, json = false): string {
  if (json) return JSON.stringify(value ?? null);
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const s = String(value);
  const word = /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !KEYWORD.test(s);
  const duration = /^\d+(ms|s|m|h|d)$/.test(s);
  const route = /^\/[A-Za-z0-9_\-/]*$/.test(s);
  // JSON's escapes are all valid in YAML's double-quoted style.
  return word || duration || route ? s : JSON.stringify(s);
}

/** Any value on one line, in flow style: `{ id: a, type: read }`, `[a, b]`. */
export function renderFlow(value: unknown, json = false): string {
  if (Array.isArray(value)) return `[${value.map((v) => renderFlow(v, json)).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([k, v]) => `${renderScalar(k, json)}: ${renderFlow(v, json)}`).join(", ")} }`;
  }
  return renderScalar(value, json);
}

// ---------------------------------------------------------------- text positions

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset just after the line holding `offset - 1` (its newline included). */
function afterLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === "\n") return offset;
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl + 1;
}

function indentOf(text: string, offset: number): number {
  const start = lineStart(text, offset);
  let i = start;
  while (text[i] === " ") i++;
  return i - start;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** End of a node's own text: its range without the blanks and newlines a block node's range ends with. */
function contentEnd(text: string, node: Node): number {
  let end = node.range![1];
  while (end > node.range![0] && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** Inserts whole lines after the line holding `offset - 1`, adding the file's missing last newline. */
function insertLines(text: string, offset: number, lines: string): string {
  const at = afterLine(text, offset);
  // New lines end the way the file's lines do.
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const needsNewline = at === text.length && text.length > 0 && !text.endsWith("\n");
  return text.slice(0, at) + (needsNewline ? eol : "") + lines.replace(/\n/g, eol) + text.slice(at);
}

/** Removes lines `from`'s line to `to`'s line, both whole. */
function removeLines(text: string, from: number, to: number): string {
  return text.slice(0, lineStart(text, from)) + text.slice(afterLine(text, to));
}

// ---------------------------------------------------------------- primitives

/** Sets the value at `path`: replaces the value node's text, or inserts the key into its map. */
export function setValue(text: string, docIndex: number, path: YamlPath, value: unknown): string {
  if (path.length === 0) throw new YamlEditError("cannot replace a whole document");
  const doc = documentAt(text, docIndex);
  const found = locate(doc, path);
  if (!found) {
    const parent = path.slice(0, -1);
    const key = path[path.length - 1]!;
    if (typeof key === "number") throw new YamlEditError(`${pathText(path)}: no such list item`);
    if (!locate(doc, parent) && parent.length > 0) {
      // Build the missing maps from the nearest one that exists.
      return setValue(text, docIndex, parent, { [key]: value });
    }
    return insertPair(text, docIndex, parent, key, value);
  }
  const { node, pair } = found;
  const start = node.range![0];
  const end = contentEnd(text, node);
  const blockCollection = (isMap(node) || isSeq(node)) && !node.flow;
  if (blockCollection && pair && isScalar(pair.key) && pair.key.range) {
    // A block map or list becomes one flow line right after its key's colon.
    const colon = text.indexOf(":", pair.key.range[1]);
    return `${text.slice(0, colon + 1)} ${renderFlow(value, jsonStyle(doc))}${text.slice(end)}`;
  }
  // An empty value (`edges:`) starts right after the colon, or before a comment: keep them apart.
  const space = text[start - 1] === ":" ? " " : "";
  const gap = text[end] === "#" ? " " : "";
  return text.slice(0, start) + space + renderFlow(value, jsonStyle(doc)) + gap + text.slice(end);
}

/** Adds `key: value` at the end of the map at `mapPath` (refused when the key is there). */
export function insertPair(text: string, docIndex: number, mapPath: YamlPath, key: string, value: unknown): string {
  const { node, inFlow, json } = collectionAt(text, docIndex, mapPath);
  if (!isMap(node)) throw new YamlEditError(`${pathText(mapPath)} is not a map`);
  if (findPair(node, key)) throw new YamlEditError(`${pathText([...mapPath, key])} already exists`);
  const entry = `${renderScalar(key, json)}: ${renderFlow(value, json)}`;
  if (inFlow) return insertIntoFlow(text, node, entry);
  const last = node.items[node.items.length - 1] as Pair | undefined;
  if (!last || !isScalar(last.key) || !last.key.range) throw new YamlEditError(`${pathText(mapPath)} is an empty block map`);
  const indent = column(text, (node.items[0] as Pair & { key: Node }).key.range![0]);
  const end = last.value && (last.value as Node).range ? contentEnd(text, last.value as Node) : last.key.range[1];
  const pad = " ".repeat(indent);
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v !== null && typeof v === "object")) {
    // A list of objects (edges) is written as the example files do: a block list of flow maps.
    const items = value.map((v) => `${pad}  - ${renderFlow(v)}\n`).join("");
    return insertLines(text, end, `${pad}${renderScalar(key)}:\n${items}`);
  }
  return insertLines(text, end, `${pad}${entry}\n`);
}

/** `, entry` before the closing bracket of a flow collection (`{ entry }` / `[entry]` when empty). */
function insertIntoFlow(text: string, node: YAMLMap | YAMLSeq, entry: string): string {
  const close = text.lastIndexOf(isMap(node) ? "}" : "]", node.range![1] - 1);
  if (node.items.length === 0) {
    const open = node.range![0];
    const inner = isMap(node) ? ` ${entry} ` : entry;
    return text.slice(0, open + 1) + inner + text.slice(close);
  }
  const lastItem = node.items[node.items.length - 1] as Node | Pair;
  const lastNode = (isPair(lastItem) ? (lastItem.value ?? lastItem.key) : lastItem) as Node;
  const at = contentEnd(text, lastNode);
  return `${text.slice(0, at)}, ${entry}${text.slice(at)}`;
}

/** Removes `key` and its value from the map at `mapPath`, with its comma or its lines. */
export function removePair(text: string, docIndex: number, mapPath: YamlPath, key: string): string {
  const { node, inFlow } = collectionAt(text, docIndex, mapPath);
  if (!isMap(node)) throw new YamlEditError(`${pathText(mapPath)} is not a map`);
  const index = node.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === key);
  if (index === -1) throw new YamlEditError(`${pathText([...mapPath, key])} does not exist`);
  const pair = node.items[index] as Pair;
  const start = (pair.key as Node).range![0];
  const end = pair.value && (pair.value as Node).range ? contentEnd(text, pair.value as Node) : (pair.key as Node).range![1];
  if (inFlow) return removeFromFlow(text, node.items as (Pair | Node)[], index, start, end);
  if (text.slice(lineStart(text, start), start).trim() !== "") {
    // The first key of a list item shares its line with the `- `: the next key moves up onto it.
    const next = node.items[index + 1] as Pair | undefined;
    if (!next) return `${text.slice(0, start)}{}${text.slice(end)}`;
    return text.slice(0, start) + text.slice((next.key as Node).range![0]);
  }
  return removeLines(text, start, end);
}

/** Drops one entry of a flow collection and the comma that separated it from a neighbour. */
function removeFromFlow(text: string, items: readonly (Pair | Node)[], index: number, start: number, end: number): string {
  const startOf = (item: Pair | Node) => (isPair(item) ? (item.key as Node) : item).range![0];
  if (index + 1 < items.length) return text.slice(0, start) + text.slice(startOf(items[index + 1]!));
  if (index > 0) {
    const prev = items[index - 1]!;
    const prevNode = (isPair(prev) ? (prev.value ?? prev.key) : prev) as Node;
    return text.slice(0, contentEnd(text, prevNode)) + text.slice(end);
  }
  // The only entry: `{ a: 1 }` → `{}`.
  let open = start - 1;
  while (open > 0 && text[open] !== "{" && text[open] !== "[") open--;
  let close = end;
  while (close < text.length && text[close] !== "}" && text[close] !== "]") close++;
  return text.slice(0, open + 1) + text.slice(close);
}

/** Appends an item to the list at `seqPath`: a new `- …` line, or `, item` in a flow list. */
export function appendItem(text: string, docIndex: number, seqPath: YamlPath, value: unknown): string {
  const { node, inFlow, json } = collectionAt(text, docIndex, seqPath);
  if (!isSeq(node)) throw new YamlEditError(`${pathText(seqPath)} is not a list`);
  if (inFlow) return insertIntoFlow(text, node, renderFlow(value, json));
  const last = node.items[node.items.length - 1] as Node | undefined;
  if (!last?.range) throw new YamlEditError(`${pathText(seqPath)} is an empty block list`);
  const dash = " ".repeat(indentOf(text, (node.items[0] as Node).range![0]));
  return insertLines(text, contentEnd(text, last), `${dash}- ${renderFlow(value)}\n`);
}

/** Removes item `index` of the list at `seqPath` (its lines, or its entry and comma). */
export function removeItem(text: string, docIndex: number, seqPath: YamlPath, index: number): string {
  const { node, inFlow } = collectionAt(text, docIndex, seqPath);
  if (!isSeq(node)) throw new YamlEditError(`${pathText(seqPath)} is not a list`);
  const item = node.items[index] as Node | undefined;
  if (!item?.range) throw new YamlEditError(`${pathText([...seqPath, index])} does not exist`);
  const end = contentEnd(text, item);
  if (inFlow) return removeFromFlow(text, node.items as Node[], index, item.range[0], end);
  return removeLines(text, item.range[0], end);
}
