/**
 * Every Edit of the protocol as a pure function of a tool document's text: the edit in, the new text
 * (and the ids new nodes got) out. Each is a few splices of studio/yaml-edit.ts, re-parsed between
 * splices, so what the edit does not touch keeps its bytes. Refusals are EditErrors naming the field.
 * Whether the result is a valid tool is the loader's call, not this module's (a cycle is allowed).
 */
import { NODE_TYPES } from "../language/nodes";
import type { Edit, FlowEdgeView } from "./protocol";
import { nodeDefaults, type DefaultNames } from "./node-defaults";
import { appendItem, insertPair, removeItem, removePair, setValue, valueAt, YamlEditError, type YamlPath } from "./yaml-edit";

/** A refused edit: answered 400 with its message. */
export class EditError extends Error {}

export type ToolEdit = Exclude<Edit, { op: "setText" }>;

export interface EditResult {
  text: string;
  ids?: string[];
}

type RawNode = Record<string, unknown> & { id?: unknown; type?: unknown; nodes?: unknown };
type RawEdge = { from?: unknown; to?: unknown; when?: unknown };

const SCOPE_TYPES = new Set(["transaction", "retry"]);
const NODES: YamlPath = ["flow", "nodes"];
const EDGES: YamlPath = ["flow", "edges"];

/** The flow as written, read again from the text before each step. */
class Flow {
  readonly nodes: RawNode[];
  readonly edges: RawEdge[];
  constructor(
    readonly text: string,
    readonly doc: number,
  ) {
    const nodes = valueAt(text, doc, NODES);
    const edges = valueAt(text, doc, EDGES);
    this.nodes = Array.isArray(nodes) ? (nodes as RawNode[]) : [];
    this.edges = Array.isArray(edges) ? (edges as RawEdge[]) : [];
  }
  index(id: string): number {
    return this.nodes.findIndex((n) => n !== null && typeof n === "object" && n.id === id);
  }
  has(id: string): boolean {
    return this.index(id) !== -1;
  }
  ids(): Set<string> {
    return new Set(this.nodes.map((n) => (n && typeof n.id === "string" ? n.id : "")).filter(Boolean));
  }
  scopes(): { index: number; id: string; type: string; members: string[] }[] {
    return this.nodes.flatMap((n, index) =>
      n && typeof n.type === "string" && SCOPE_TYPES.has(n.type) && typeof n.id === "string"
        ? [{ index, id: n.id, type: n.type, members: Array.isArray(n.nodes) ? n.nodes.map(String) : [] }]
        : [],
    );
  }
  require(id: string, field: string): number {
    const i = this.index(id);
    if (i === -1) throw new EditError(`${field}: no node "${id}" in this tool`);
    return i;
  }
}

/** `<base><n>`, the first n from 1 whose id is free. */
export function freshId(base: string, taken: ReadonlySet<string>, from = 1): string {
  for (let n = from; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

export function applyToolEdit(text: string, doc: number, edit: ToolEdit, names: DefaultNames = {}): EditResult {
  try {
    return EDITS[edit.op](text, doc, edit as never, names);
  } catch (error) {
    if (error instanceof YamlEditError) throw new EditError(error.message);
    throw error;
  }
}

const EDITS: { [K in ToolEdit["op"]]: (text: string, doc: number, edit: Extract<ToolEdit, { op: K }>, names: DefaultNames) => EditResult } =
  {
    addNode(text, doc, edit, names) {
      const { type, id: wanted, ...fields } = edit.node;
      if (!NODE_TYPES.includes(type as never))
        throw new EditError(`node.type: unknown node type "${String(type)}" (one of ${NODE_TYPES.join(", ")})`);
      const flow = new Flow(text, doc);
      if (wanted !== undefined && (typeof wanted !== "string" || wanted === "")) throw new EditError("node.id: must be a non-empty string");
      if (wanted !== undefined && flow.has(wanted)) throw new EditError(`node.id: "${wanted}" is already taken`);
      const id = wanted ?? freshId(type, flow.ids());
      return { text: addNodes(text, doc, [{ id, type, ...nodeDefaults(type, names), ...fields }]), ids: [id] };
    },

    removeNodes(text, doc, edit) {
      const flow = new Flow(text, doc);
      for (const id of edit.ids) flow.require(id, "ids");
      return { text: removeNodes(text, doc, new Set(edit.ids)) };
    },

    connect(text, doc, edit) {
      const flow = new Flow(text, doc);
      flow.require(edit.from, "from");
      flow.require(edit.to, "to");
      if (flow.edges.some((e) => e.from === edit.from && e.to === edit.to))
        throw new EditError(`to: ${edit.from} → ${edit.to} is already connected`);
      const edge: Record<string, unknown> = { from: edit.from, to: edit.to };
      if (edit.when !== undefined) edge.when = edit.when;
      return { text: addEdges(text, doc, [edge]) };
    },

    disconnect(text, doc, edit) {
      const flow = new Flow(text, doc);
      const index = flow.edges.findIndex((e) => e.from === edit.from && e.to === edit.to);
      if (index === -1) throw new EditError(`to: no edge ${edit.from} → ${edit.to}`);
      return { text: removeEdgeItems(text, doc, [index]) };
    },

    configure(text, doc, edit) {
      const index = new Flow(text, doc).require(edit.id, "id");
      let next = text;
      for (const [key, value] of Object.entries(edit.set ?? {})) {
        if (key === "id" || key === "type") throw new EditError(`set.${key}: a node's ${key} cannot be configured`);
        next = setValue(next, doc, [...NODES, index, key], value);
      }
      for (const key of edit.unset ?? []) {
        if (key === "id" || key === "type") throw new EditError(`unset: a node's ${key} cannot be removed`);
        if (valueAt(next, doc, [...NODES, index, key]) !== undefined) next = removePair(next, doc, [...NODES, index], key);
      }
      return { text: next };
    },

    group(text, doc, edit) {
      const flow = new Flow(text, doc);
      const ids = [...new Set(edit.ids)];
      if (ids.length === 0) throw new EditError("ids: a scope needs at least one node");
      for (const id of ids) flow.require(id, "ids");
      if (edit.scope !== "transaction" && edit.scope !== "retry")
        throw new EditError(`scope: "${String(edit.scope)}" is not transaction or retry`);
      if (edit.id !== undefined && flow.has(edit.id)) throw new EditError(`id: "${edit.id}" is already taken`);
      const id = edit.id ?? freshId(edit.scope, flow.ids());
      // Nodes listed by a scope move into the new one, which takes their place there (nesting).
      const parents = flow.scopes().filter((s) => ids.some((m) => s.members.includes(m)));
      let next = text;
      for (const parent of parents) {
        const members = parent.members.filter((m) => !ids.includes(m));
        next = setValue(next, doc, [...NODES, parent.index, "nodes"], [...members, id]);
      }
      const scope: Record<string, unknown> = { id, type: edit.scope, nodes: ids };
      if (edit.scope === "retry") scope.policy = { maxAttempts: 3 };
      return { text: addNodes(next, doc, [scope]), ids: [id] };
    },

    ungroup(text, doc, edit) {
      const flow = new Flow(text, doc);
      const index = flow.require(edit.id, "id");
      const scope = flow.scopes().find((s) => s.index === index);
      if (!scope) throw new EditError(`id: "${edit.id}" is not a transaction or retry scope`);
      let next = text;
      for (const parent of flow.scopes().filter((s) => s.members.includes(edit.id))) {
        const members = parent.members.flatMap((m) => (m === edit.id ? scope.members.filter((x) => !parent.members.includes(x)) : [m]));
        next = setValue(next, doc, [...NODES, parent.index, "nodes"], members);
      }
      next = removeEdgeItems(next, doc, edgeIndexesTouching(new Flow(next, doc), new Set([edit.id])));
      return { text: removeItem(next, doc, NODES, new Flow(next, doc).index(edit.id)) };
    },

    paste(text, doc, edit) {
      const taken = new Flow(text, doc).ids();
      // Each copied id keeps its name when free, else becomes `<id>2`, `<id>3`…; a node without one gets `<type><n>`.
      const renames = new Map<string, string>();
      const nodes = edit.nodes.map((node) => {
        if (typeof node.type !== "string" || !NODE_TYPES.includes(node.type as never))
          throw new EditError(`nodes: unknown node type "${String(node.type)}"`);
        const original = typeof node.id === "string" && node.id !== "" ? node.id : undefined;
        const id = original === undefined ? freshId(node.type, taken) : taken.has(original) ? freshId(original, taken, 2) : original;
        taken.add(id);
        if (original !== undefined && !renames.has(original)) renames.set(original, id);
        return { ...node, id } as Record<string, unknown> & { id: string; type: string };
      });
      for (const copy of nodes) {
        // A pasted scope holds the pasted copies of its members; members not pasted are dropped.
        if (Array.isArray(copy.nodes))
          copy.nodes = (copy.nodes as unknown[]).flatMap((m) => (renames.has(String(m)) ? [renames.get(String(m))!] : []));
      }
      const edges = edit.edges
        .filter((e) => renames.has(e.from) && renames.has(e.to))
        .map((e: FlowEdgeView) => ({
          from: renames.get(e.from)!,
          to: renames.get(e.to)!,
          ...(e.when !== undefined
            ? {
                when: branchLabel(
                  edit.nodes.find((n) => n.id === e.from),
                  e.when,
                ),
              }
            : {}),
        }));
      let next = addNodes(
        text,
        doc,
        nodes.map(({ id, type, ...rest }) => ({ id, type, ...rest })),
      );
      if (edges.length > 0) next = addEdges(next, doc, edges);
      return { text: next, ids: nodes.map((n) => n.id) };
    },
  };

/**
 * A branch label as the flow needs it. The protocol shows labels as text (`"true"`), so a label copied
 * from the view becomes again the boolean of an `if` or the number or boolean of a `switch` case.
 */
function branchLabel(from: Record<string, unknown> | undefined, when: string | number | boolean): string | number | boolean {
  if (typeof when !== "string") return when;
  if (from?.type === "if" && (when === "true" || when === "false")) return when === "true";
  if (from?.type === "switch" && Array.isArray(from.cases)) {
    const match = (from.cases as unknown[]).find((c) => String(c) === when);
    if (typeof match === "number" || typeof match === "boolean") return match;
  }
  return when;
}

function addNodes(text: string, doc: number, nodes: Record<string, unknown>[]): string {
  let next = text;
  for (const node of nodes) {
    next = Array.isArray(valueAt(next, doc, NODES)) ? appendItem(next, doc, NODES, node) : setValue(next, doc, NODES, [node]);
  }
  return next;
}

function addEdges(text: string, doc: number, edges: Record<string, unknown>[]): string {
  let next = text;
  for (const edge of edges) {
    const list = valueAt(next, doc, EDGES);
    if (Array.isArray(list) && list.length > 0) next = appendItem(next, doc, EDGES, edge);
    else if (list === undefined) next = insertPair(next, doc, ["flow"], "edges", [edge]);
    else next = setValue(next, doc, EDGES, [edge]);
  }
  return next;
}

function edgeIndexesTouching(flow: Flow, ids: ReadonlySet<string>): number[] {
  return flow.edges.flatMap((e, i) => (ids.has(String(e.from)) || ids.has(String(e.to)) ? [i] : []));
}

/** Removes edges by index (highest first, so the others keep theirs); the last one takes `edges:` with it. */
function removeEdgeItems(text: string, doc: number, indexes: number[]): string {
  let next = text;
  for (const i of [...indexes].sort((a, b) => b - a)) {
    const count = (valueAt(next, doc, EDGES) as unknown[]).length;
    next = count === 1 ? removePair(next, doc, ["flow"], "edges") : removeItem(next, doc, EDGES, i);
  }
  return next;
}

/** Removes nodes, their edges, and their ids from scopes' lists; a scope left empty goes too. */
function removeNodes(text: string, doc: number, ids: Set<string>): string {
  let next = removeEdgeItems(text, doc, edgeIndexesTouching(new Flow(text, doc), ids));
  for (;;) {
    const flow = new Flow(next, doc);
    const emptied = flow.scopes().filter((s) => !ids.has(s.id) && s.members.length > 0 && s.members.every((m) => ids.has(m)));
    if (emptied.length === 0) break;
    for (const s of emptied) ids.add(s.id);
    next = removeEdgeItems(next, doc, edgeIndexesTouching(flow, ids));
  }
  for (const scope of new Flow(next, doc).scopes()) {
    if (ids.has(scope.id) || !scope.members.some((m) => ids.has(m))) continue;
    next = setValue(
      next,
      doc,
      [...NODES, scope.index, "nodes"],
      scope.members.filter((m) => !ids.has(m)),
    );
  }
  const flow = new Flow(next, doc);
  const indexes = [...ids].map((id) => flow.index(id)).filter((i) => i !== -1);
  for (const i of indexes.sort((a, b) => b - a)) next = removeItem(next, doc, NODES, i);
  return next;
}
