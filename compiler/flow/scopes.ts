/**
 * The scope tree: `transaction` and `retry` scopes with the executable nodes each contains (nested
 * scopes expanded) and which scope directly encloses which. The loader guarantees scopes nest or
 * are disjoint, are connected and contiguous, and that transactions never share nodes.
 */
import type { ScopeNode } from "../../language/nodes";
import type { FlowGraph } from "./graph";

export interface Scope {
  id: string;
  node: ScopeNode;
  kind: ScopeNode["type"];
  /** Executable nodes inside, nested scopes expanded. */
  members: ReadonlySet<string>;
  parent: string | null;
  children: string[];
}

export interface ScopeTree {
  readonly scopes: ReadonlyMap<string, Scope>;
  /** Scopes not inside another scope, in declaration order. */
  readonly roots: readonly string[];
  /** For each executable node, its enclosing scopes, innermost first. */
  readonly enclosing: ReadonlyMap<string, readonly string[]>;
}

export function buildScopeTree(flow: FlowGraph): ScopeTree {
  const members = new Map<string, Set<string>>();
  const expand = (id: string, seen: Set<string>): Set<string> => {
    const known = members.get(id);
    if (known) return known;
    const found = new Set<string>();
    const scope = flow.scopes.get(id);
    if (!scope || seen.has(id)) return found;
    seen.add(id);
    for (const member of scope.nodes) {
      if (flow.nodes.has(member)) found.add(member);
      else if (flow.scopes.has(member)) for (const inner of expand(member, seen)) found.add(inner);
    }
    members.set(id, found);
    return found;
  };
  // A scope with no executable node inside has nothing to do; it is left out of the plan.
  const ids = [...flow.scopes.keys()].filter((id) => expand(id, new Set()).size > 0);

  // `a` is outside `b` when it holds more nodes, or the same nodes and either lists `b` by name,
  // or is a retry around a transaction (a retry re-runs the whole transaction), or comes first.
  const lists = (a: string, b: string) => flow.scopes.get(a)!.nodes.includes(b);
  const outside = (a: string, b: string): boolean => {
    const ma = members.get(a)!;
    const mb = members.get(b)!;
    if (ma.size !== mb.size) return ma.size > mb.size && [...mb].every((x) => ma.has(x));
    if (![...mb].every((x) => ma.has(x))) return false;
    if (lists(a, b) !== lists(b, a)) return lists(a, b);
    const ka = flow.scopes.get(a)!.type;
    const kb = flow.scopes.get(b)!.type;
    if (ka !== kb) return ka === "retry";
    return flow.declIndex.get(a)! < flow.declIndex.get(b)!;
  };

  const scopes = new Map<string, Scope>();
  for (const id of ids) {
    const node = flow.scopes.get(id)!;
    // The parent is the innermost of the scopes outside this one.
    const around = ids.filter((other) => other !== id && outside(other, id));
    const parent = around.find((p) => around.every((q) => q === p || outside(q, p))) ?? null;
    scopes.set(id, { id, node, kind: node.type, members: members.get(id)!, parent, children: [] });
  }
  for (const scope of scopes.values()) if (scope.parent) scopes.get(scope.parent)!.children.push(scope.id);
  const byDecl = (a: string, b: string) => flow.declIndex.get(a)! - flow.declIndex.get(b)!;
  for (const scope of scopes.values()) scope.children.sort(byDecl);

  const enclosing = new Map<string, string[]>();
  for (const id of flow.nodes.keys()) {
    const chain: string[] = [];
    // Innermost first: the scope containing the node that no other containing scope is inside.
    let current = [...scopes.values()].find((s) => s.members.has(id) && s.children.every((c) => !scopes.get(c)!.members.has(id)));
    while (current) {
      chain.push(current.id);
      current = current.parent ? scopes.get(current.parent) : undefined;
    }
    enclosing.set(id, chain);
  }
  return { scopes, roots: ids.filter((id) => scopes.get(id)!.parent === null).sort(byDecl), enclosing };
}

/** The innermost transaction around a node, or null. */
export function transactionOf(tree: ScopeTree, node: string): string | null {
  return tree.enclosing.get(node)?.find((s) => tree.scopes.get(s)!.kind === "transaction") ?? null;
}

/** Retry scopes around a node, innermost first. */
export function retryScopesOf(tree: ScopeTree, node: string): string[] {
  return (tree.enclosing.get(node) ?? []).filter((s) => tree.scopes.get(s)!.kind === "retry");
}
