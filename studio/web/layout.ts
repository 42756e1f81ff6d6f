/**
 * Automatic layout of a flow (or any small graph) with elkjs: layered, left to right, transaction and
 * retry scopes as nested compound nodes laid out together with their members (hierarchy handling
 * INCLUDE_CHILDREN), branch labels given room on their edges. Nodes the user dragged ("pinned") keep
 * their positions; the scopes around them are drawn around wherever their members are.
 *
 * A pure function of its input (no DOM, no React), so the bench runs it under Node as the browser does.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

export interface LayoutInput {
  nodes: { id: string; width: number; height: number }[];
  edges: { from: string; to: string; label?: string }[];
  /** Compound boxes; `members` are node ids or ids of nested scopes. */
  scopes?: { id: string; members: string[]; parent: string | null; label?: string }[];
  /** Top-left positions the user chose: kept as they are. */
  pinned?: Record<string, Point>;
  direction?: "RIGHT" | "DOWN";
}

export interface LayoutResult {
  /** Top-left of every node, in absolute coordinates. */
  positions: Record<string, Point>;
  /** Every scope's box, in absolute coordinates, drawn around its members as they end up. */
  scopes: Record<string, Box>;
}

/** Room inside a scope's box: its title above the members, a margin around them. */
export const SCOPE_PADDING = { top: 40, side: 18, bottom: 18 };

/** The layered algorithm's settings (the direction comes with each call). */
export const ELK_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.layered.spacing.nodeNodeBetweenLayers": "44",
  "elk.spacing.nodeNode": "28",
  "elk.spacing.edgeLabel": "4",
  "elk.layered.spacing.edgeNodeBetweenLayers": "20",
  "elk.edgeLabels.placement": "CENTER",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.thoroughness": "4",
  "elk.separateConnectedComponents": "false",
};

type ElkConstructor = new () => ELK;

let engine: Promise<ELK> | null = null;

/**
 * The ELK instance layouts run on. The browser app sets one that runs in a Web Worker (main.tsx:
 * the page stays responsive while a large flow is laid out, and the engine is not in app.js);
 * elsewhere (the bench, tests) the bundled engine is loaded on first use and runs in-line.
 */
export function setLayoutEngine(make: () => ELK): void {
  engine = Promise.resolve(make());
}

function layoutEngine(): Promise<ELK> {
  // A CommonJS module: its constructor is `default`, or `default.default` as some loaders wrap it.
  engine ??= import("elkjs/lib/elk.bundled.js").then((module) => {
    const loaded = module as unknown as { default: ElkConstructor & { default?: ElkConstructor } };
    const Constructor = loaded.default.default ?? loaded.default;
    return new Constructor();
  });
  return engine;
}

export async function layoutGraph(input: LayoutInput): Promise<LayoutResult> {
  const scopes = input.scopes ?? [];
  const nodeIds = new Set(input.nodes.map((n) => n.id));
  const scopeIds = new Set(scopes.map((s) => s.id));
  // Where each node or scope sits: the innermost scope listing it (the first one seen wins).
  const parentOf = new Map<string, string>();
  for (const scope of scopes)
    for (const member of scope.members)
      if ((nodeIds.has(member) || scopeIds.has(member)) && member !== scope.id && !parentOf.has(member)) parentOf.set(member, scope.id);
  for (const scope of scopes)
    if (scope.parent && scopeIds.has(scope.parent) && !parentOf.has(scope.id)) parentOf.set(scope.id, scope.parent);
  breakCycles(parentOf);

  const elkNodes = new Map<string, ElkNode>();
  for (const node of input.nodes) elkNodes.set(node.id, { id: node.id, width: node.width, height: node.height });
  for (const scope of scopes)
    elkNodes.set(scope.id, {
      id: scope.id,
      children: [],
      layoutOptions: {
        "elk.padding": `[top=${SCOPE_PADDING.top},left=${SCOPE_PADDING.side},bottom=${SCOPE_PADDING.bottom},right=${SCOPE_PADDING.side}]`,
      },
    });
  const root: ElkNode = {
    id: "__root",
    layoutOptions: { ...ELK_OPTIONS, "elk.direction": input.direction ?? "RIGHT" },
    children: [],
    edges: [],
  };
  for (const [id, elkNode] of elkNodes) {
    const parent = parentOf.get(id);
    (parent ? elkNodes.get(parent)! : root).children!.push(elkNode);
  }
  const known = new Set(elkNodes.keys());
  const edges: ElkExtendedEdge[] = [];
  input.edges.forEach((edge, i) => {
    if (!known.has(edge.from) || !known.has(edge.to) || edge.from === edge.to) return;
    edges.push({
      id: `e${i}`,
      sources: [edge.from],
      targets: [edge.to],
      ...(edge.label ? { labels: [{ text: edge.label, width: 8 + edge.label.length * 7, height: 18 }] } : {}),
    });
  });
  root.edges = edges;

  const laid = await (await layoutEngine()).layout(root);
  const positions: Record<string, Point> = {};
  const elkBoxes: Record<string, Box> = {};
  const walk = (node: ElkNode, dx: number, dy: number): void => {
    for (const child of node.children ?? []) {
      const x = dx + (child.x ?? 0);
      const y = dy + (child.y ?? 0);
      if (scopeIds.has(child.id)) elkBoxes[child.id] = { x, y, width: child.width ?? 0, height: child.height ?? 0 };
      else positions[child.id] = { x, y };
      walk(child, x, y);
    }
  };
  walk(laid, 0, 0);
  for (const [id, point] of Object.entries(input.pinned ?? {})) if (nodeIds.has(id)) positions[id] = { x: point.x, y: point.y };

  return { positions, scopes: scopeBoxes(input, positions, parentOf, elkBoxes) };
}

/** Each scope around its members where they are now (pinned or laid out), innermost first. */
export function scopeBoxes(
  input: Pick<LayoutInput, "nodes" | "scopes">,
  positions: Record<string, Point>,
  parentOf: Map<string, string> = new Map(),
  fallback: Record<string, Box> = {},
): Record<string, Box> {
  const sizes = new Map(input.nodes.map((n) => [n.id, n]));
  const scopes = input.scopes ?? [];
  const byId = new Map(scopes.map((s) => [s.id, s]));
  const boxes: Record<string, Box> = {};
  const depth = (id: string): number => {
    let d = 0;
    for (let p = parentOf.get(id) ?? byId.get(id)?.parent ?? null; p && d < 50; p = parentOf.get(p) ?? byId.get(p)?.parent ?? null) d++;
    return d;
  };
  const innermostFirst = [...scopes].sort((a, b) => depth(b.id) - depth(a.id));
  for (const scope of innermostFirst) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const member of scope.members) {
      const inner = boxes[member];
      const at = positions[member];
      const size = sizes.get(member);
      const box = inner ?? (at && size ? { x: at.x, y: at.y, width: size.width, height: size.height } : undefined);
      if (!box) continue;
      minX = Math.min(minX, box.x);
      minY = Math.min(minY, box.y);
      maxX = Math.max(maxX, box.x + box.width);
      maxY = Math.max(maxY, box.y + box.height);
    }
    if (minX === Infinity) {
      const seen = fallback[scope.id];
      if (seen) boxes[scope.id] = seen;
      continue;
    }
    boxes[scope.id] = {
      x: minX - SCOPE_PADDING.side,
      y: minY - SCOPE_PADDING.top,
      width: maxX - minX + 2 * SCOPE_PADDING.side,
      height: maxY - minY + SCOPE_PADDING.top + SCOPE_PADDING.bottom,
    };
  }
  return boxes;
}

/** A scope listed (by mistake) inside its own member chain would make ELK loop: cut the cycle. */
function breakCycles(parentOf: Map<string, string>): void {
  for (const start of [...parentOf.keys()]) {
    const seen = new Set<string>([start]);
    for (let p = parentOf.get(start); p; p = parentOf.get(p)) {
      if (seen.has(p)) {
        parentOf.delete(start);
        break;
      }
      seen.add(p);
    }
  }
}
