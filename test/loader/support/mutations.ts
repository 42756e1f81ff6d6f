/**
 * Random damage to valid spec documents, as objects or as YAML text. Each mutation says whether it
 * certainly made the specs invalid (`mustFail`); the others may or may not, and only the loader's
 * robustness is checked for them.
 */
import { stringify } from "yaml";
import type { SpecPath } from "../../../loader/source/yaml-document";
import type { Choices } from "./choices";
import { celPaths } from "./cel-paths";

export type Mutation =
  | { form: "objects"; label: string; documents: unknown[]; mustFail: boolean }
  | { form: "text"; label: string; text: string; mustFail: boolean };

type Doc = Record<string, unknown>;

/** Keys whose removal always breaks a document ("*" matches any one segment). */
const REQUIRED: readonly (readonly string[])[] = [
  ["kind"],
  ["name"],
  ["fields"],
  ["trigger"],
  ["flow"],
  ["rule"],
  ["flow", "nodes"],
  ["flow", "nodes", "*", "id"],
  ["flow", "nodes", "*", "type"],
  ["fields", "*", "type"],
  ["input", "*", "type"],
  ["relationships", "*", "kind"],
  ["relationships", "*", "entity"],
  ["invariants", "*", "rule"],
  ["status", "initial"],
  ["status", "states"],
  ["flow", "edges", "*", "from"],
  ["flow", "edges", "*", "to"],
];

/** Text that YAML gives a meaning to, for the byte-level mutations. */
const YAML_NOISE = [
  "&a ",
  "*a",
  "*",
  "!!binary ",
  "!!int ",
  "? ",
  "<<: *x\n",
  "\t",
  "\u0000",
  "\ufeff",
  "%YAML 1.1\n",
  "---\n",
  "...\n",
  "[{",
  "}}",
  '"',
  "'",
  "#",
  "@",
  "`",
  "|",
  ">-",
  ": ",
  "- ",
  "\r\n",
  "\\",
  "\ud800",
  "🙂",
  "{a: 1, a: 2}",
  "&x [*x]",
];

export function mutate(c: Choices, documents: readonly Doc[]): Mutation {
  const docs = structuredClone(documents) as Doc[];
  const target = c.int(0, docs.length - 1);
  const doc = docs[target]!;
  const objects = (label: string, mustFail: boolean): Mutation => ({ form: "objects", label, documents: docs, mustFail });
  const kinds: (() => Mutation)[] = [
    () => {
      const path = c.pick(keyPaths(doc));
      if (!path) return objects("nothing to delete", false);
      removeAt(doc, path);
      return objects(
        `delete ${show(path)}`,
        REQUIRED.some((p) => matches(path, p)),
      );
    },
    () => {
      const path = c.pick(keyPaths(doc));
      if (!path) return objects("nothing to rename", false);
      const garbage = `${c.pick(["zz", "Bad Key", "", "9", "x-y"])}!`;
      renameAt(doc, path, garbage);
      // Header names and json defaults take any key; everything else is a strict object or a name.
      return objects(`rename ${show(path)} to ${garbage}`, path.at(-2) !== "headers" && !path.includes("default"));
    },
    () => {
      const path = c.pick(valuePaths(doc));
      const value = c.pick<unknown>([42, true, "str", {}, [], -1.5, "", Number.NaN, undefined, -0, 1e308, { nested: [null] }]);
      setAt(docs, [target, ...path], value);
      return objects(`set ${show(path)} to ${String(value)}`, false);
    },
    () => {
      const path = c.pick(valuePaths(doc));
      const value = c.pick([[1, 2], null]);
      setAt(docs, [target, ...path], value);
      // A list of numbers or null fits nowhere in the language, except a json default or switch cases.
      // An empty (null) document is skipped like a stray `---`.
      const exempt = path.includes("default") || path.at(-1) === "cases" || (value === null && path.length === 0);
      return objects(`set ${show(path)} to ${JSON.stringify(value)}`, !exempt);
    },
    () => {
      const [a, b] = [c.pick(valuePaths(doc)), c.pick(valuePaths(doc))];
      if (a.length === 0 || b.length === 0 || isPrefix(a, b) || isPrefix(b, a)) return objects("no swap", false);
      const [va, vb] = [getAt(doc, a), getAt(doc, b)];
      setAt(doc, a, vb);
      setAt(doc, b, va);
      return objects(`swap ${show(a)} and ${show(b)}`, false);
    },
    () => {
      const paths = docs.flatMap((d, i) => celPaths(d).map((p) => [i, ...p] as SpecPath));
      if (paths.length === 0) return objects("no CEL", false);
      const path = c.pick(paths);
      const text = getAt(docs, path) as string;
      const garbage = c.pick([" &&", ")", " +", "nodes.", "'", "]", "@", ".", "\n)"]);
      const atEnd = c.chance(50);
      const at = atEnd ? text.length : c.int(0, text.length);
      setAt(docs, path, text.slice(0, at) + garbage + text.slice(at));
      // Appended, each of these leaves an expression that cannot parse; inside, it may land in a string literal.
      return objects(`CEL ${show(path)} ${atEnd ? "+=" : `@${at} <-`} ${JSON.stringify(garbage)}`, atEnd);
    },
    () => {
      const tools = docs.filter(isTool);
      if (tools.length === 0) return objects("no tool", false);
      const nodes = (c.pick(tools).flow as { nodes: unknown[] }).nodes;
      nodes.push(structuredClone(c.pick(nodes)));
      return objects("duplicate a node", true);
    },
    () => {
      const tools = docs.filter(isTool);
      if (tools.length === 0) return objects("no tool", false);
      const flow = c.pick(tools).flow as { nodes: { id: string; type: string }[]; edges?: unknown[] };
      const ids = [...flow.nodes.map((n) => n.id), "ghostNode"];
      const [from, to] = [c.pick(ids), c.pick(ids)];
      (flow.edges ??= []).push({ from, to });
      const kind = (id: string) => flow.nodes.find((n) => n.id === id)?.type;
      const bad =
        from === "ghostNode" ||
        to === "ghostNode" ||
        from === to ||
        ["if", "switch", "transaction", "retry"].includes(kind(from)!) ||
        ["transaction", "retry"].includes(kind(to)!);
      return objects(`edge ${from} -> ${to}`, bad);
    },
    () => textMutation(c, docs, "truncate", (text) => text.slice(0, c.int(0, text.length))),
    () => textMutation(c, docs, "insert noise", (text) => insert(c, text, c.pick(YAML_NOISE))),
    () => textMutation(c, docs, "insert random", (text) => insert(c, text, c.text())),
    () =>
      textMutation(c, docs, "replace a byte", (text) => {
        const at = c.int(0, Math.max(0, text.length - 1));
        return text.slice(0, at) + String.fromCharCode(c.int(0, 0x7f)) + text.slice(at + 1);
      }),
    () =>
      textMutation(c, docs, "indent a line", (text) => {
        const lines = text.split("\n");
        const at = c.int(0, lines.length - 1);
        lines[at] = `${c.pick([" ", "  ", "\t", "- "])}${lines[at]}`;
        return lines.join("\n");
      }),
  ];
  return c.pick(kinds)();
}

function textMutation(c: Choices, docs: Doc[], label: string, change: (text: string) => string): Mutation {
  const text = docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
  const times = c.int(1, 3);
  let out = text;
  for (let i = 0; i < times; i++) out = change(out);
  return { form: "text", label: `${label} ×${times}`, text: out, mustFail: false };
}

function insert(c: Choices, text: string, piece: string): string {
  const at = c.int(0, text.length);
  return text.slice(0, at) + piece + text.slice(at);
}

function isTool(doc: Doc): boolean {
  return (
    doc.kind === "Tool" &&
    typeof doc.flow === "object" &&
    doc.flow !== null &&
    Array.isArray((doc.flow as { nodes?: unknown }).nodes) &&
    (doc.flow as { nodes: unknown[] }).nodes.length > 0
  );
}

/** Paths to every value in the document, the document itself included. */
function valuePaths(value: unknown, path: SpecPath = []): SpecPath[] {
  const out: SpecPath[] = [path];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...valuePaths(v, [...path, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...valuePaths(v, [...path, k]));
  return out;
}

/** Paths that end in an object key. */
function keyPaths(doc: Doc): SpecPath[] {
  const paths = valuePaths(doc).filter((p) => typeof p.at(-1) === "string");
  return paths.length ? paths : [[]];
}

function getAt(root: unknown, path: SpecPath): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
}

function setAt(root: unknown, path: SpecPath, value: unknown): void {
  if (path.length === 0) return;
  (getAt(root, path.slice(0, -1)) as Record<string | number, unknown>)[path.at(-1)!] = value;
}

function removeAt(root: unknown, path: SpecPath): void {
  if (path.length === 0) return;
  delete (getAt(root, path.slice(0, -1)) as Record<string | number, unknown>)[path.at(-1)!];
}

/** Renames a key in place, keeping the key order (YAML authors see keys where they wrote them). */
function renameAt(root: unknown, path: SpecPath, name: string): void {
  if (path.length === 0) return;
  const parent = getAt(root, path.slice(0, -1)) as Record<string, unknown>;
  const entries = Object.entries(parent).map(([k, v]) => [k === path.at(-1) ? name : k, v] as const);
  for (const key of Object.keys(parent)) delete parent[key];
  for (const [k, v] of entries) parent[k] = v;
}

function matches(path: SpecPath, pattern: readonly string[]): boolean {
  return path.length === pattern.length && pattern.every((p, i) => p === "*" || p === path[i]);
}

function isPrefix(a: SpecPath, b: SpecPath): boolean {
  return a.length <= b.length && a.every((s, i) => s === b[i]);
}

function show(path: SpecPath): string {
  return path.length ? path.join(".") : "(document)";
}
