/**
 * The concurrency strategy of a tool: how its read-modify-write steps stay correct when
 * invocations race (execution contract, "Concurrency"). Rules, in docs/execution-plan.md:
 *
 * - multi-row invariant (a transaction that writes rows chosen by a non-unique where, writes raw
 *   SQL, or writes after reading a list of rows) → serializable isolation with a bounded retry on
 *   serialization failures;
 * - read-modify-write of one row (a single-row read, then a write of that row that uses it) with
 *   both in one transaction → row lock (`FOR UPDATE` on the read);
 * - the same with read and write in different transactions (or the read outside any) → optimistic
 *   version check (the write only matches the row if its version is still the one read);
 * - plain inserts, single-statement writes, reads only → none needed.
 */
import type { EntitySpec } from "../../language/entity";
import type { NodeOfType } from "../../language/nodes";
import { whereIsUnique } from "../../language/keys";
import { nodeExpressions } from "./expressions";
import { nodeRefs } from "../../language/cel-syntax";
import type { FlowGraph } from "./graph";
import type { ConcurrencyMeasure, ConcurrencyPlan, ConcurrencyStrategy, Isolation, PlanLock, PlanTransaction } from "./plan";
import { retryScopesOf, transactionOf, type Scope, type ScopeTree } from "./scopes";
import { IMPLICIT_CONFLICT_RETRY } from "./timing";

export interface ConcurrencyDecisions {
  plan: ConcurrencyPlan;
  locks: Map<string, PlanLock>;
  versionChecks: Map<string, { node: string; reason: string }>;
  isolation: Map<string, { isolation: Isolation; source: PlanTransaction["isolationSource"] }>;
  conflictRetry: Map<string, PlanTransaction["conflictRetry"]>;
}

const STRENGTH: Record<ConcurrencyStrategy, number> = { none: 0, optimisticVersion: 1, rowLock: 2, serializableRetry: 3 };

type Read = NodeOfType<"read">;
type Write = NodeOfType<"write">;

export function chooseConcurrency(
  flow: FlowGraph,
  tree: ScopeTree,
  order: readonly string[],
  entities: ReadonlyMap<string, EntitySpec>,
): ConcurrencyDecisions {
  const at = flowAt(flow, tree, order, entities);
  const measures: ConcurrencyMeasure[] = [];
  const locks = specLocks(at);
  const versionChecks = new Map<string, { node: string; reason: string }>();
  const isolation = new Map<string, { isolation: Isolation; source: PlanTransaction["isolationSource"] }>();
  const conflictRetry = new Map<string, PlanTransaction["conflictRetry"]>();

  // Multi-row invariants, per transaction.
  for (const scope of tree.scopes.values()) {
    if (scope.kind !== "transaction") continue;
    const decided = decideTransaction(at, scope);
    isolation.set(scope.id, decided.isolation);
    conflictRetry.set(scope.id, decided.conflictRetry);
    if (decided.measure) measures.push(decided.measure);
  }

  // Read-modify-write of one row.
  for (const wId of order) {
    const decided = decideRowWrite(at, wId);
    if (!decided) continue;
    if (decided.lock) locks.set(decided.lock.read, decided.lock.lock);
    if (decided.versionCheck) versionChecks.set(wId, decided.versionCheck);
    measures.push(decided.measure);
  }

  return { plan: strongestPlan(at, measures), locks, versionChecks, isolation, conflictRetry };
}

/** The flow as the concurrency decisions read it. */
interface FlowAt {
  flow: FlowGraph;
  tree: ScopeTree;
  order: readonly string[];
  entities: ReadonlyMap<string, EntitySpec>;
  node: (id: string) => NonNullable<ReturnType<FlowGraph["nodes"]["get"]>>;
  /** The where selects at most one row of the entity (a key of it). */
  isUnique: (entity: string, where: Read["where"]) => boolean;
}

function flowAt(flow: FlowGraph, tree: ScopeTree, order: readonly string[], entities: ReadonlyMap<string, EntitySpec>): FlowAt {
  const node = (id: string) => flow.nodes.get(id)!;
  const isUnique = (entity: string, where: Read["where"]) => {
    const spec = entities.get(entity);
    return spec !== undefined && whereIsUnique(spec, where);
  };
  return { flow, tree, order, entities, node, isUnique };
}

/** The locks the spec asks for on its reads. */
function specLocks({ tree, order, node }: FlowAt): Map<string, PlanLock> {
  const locks = new Map<string, PlanLock>();
  for (const id of order) {
    const n = node(id);
    if (n.type === "read" && n.lock) {
      locks.set(id, {
        mode: n.lock,
        source: "spec",
        transaction: transactionOf(tree, id),
        reason: `the spec asks for FOR ${n.lock.toUpperCase()}`,
      });
    }
  }
  return locks;
}

/**
 * A transaction's isolation and conflict retry: serializable with a retry when it writes rows
 * chosen by a non-unique where, writes raw SQL or writes after reading a set of rows.
 */
function decideTransaction(
  { flow, tree, order, node, isUnique }: FlowAt,
  scope: Scope,
): {
  isolation: { isolation: Isolation; source: PlanTransaction["isolationSource"] };
  conflictRetry: PlanTransaction["conflictRetry"];
  measure?: ConcurrencyMeasure;
} {
  const tx = scope.node.type === "transaction" ? scope.node : undefined;
  const declared = tx?.isolation;
  const members = order.filter((m) => scope.members.has(m));
  const reasons: string[] = [];
  for (const m of members) {
    const n = node(m);
    if (n.type === "write" && n.action !== "create" && !isUnique(n.entity, n.where)) {
      reasons.push(`${m} ${n.action === "delete" ? "deletes" : "changes"} every ${n.entity} row its where matches`);
    } else if (n.type === "sql" && n.mode === "write") {
      reasons.push(`${m} writes raw SQL`);
    }
  }
  for (const m of members) {
    const n = node(m);
    const listRead = (n.type === "read" && n.one !== true) || (n.type === "sql" && n.mode === "read");
    if (!listRead) continue;
    const later = members.find((w) => isWrite(node(w)) && flow.ancestors.get(w)?.has(m));
    if (later) reasons.push(`${later} writes after ${m} read a set of rows (check, then act)`);
  }
  const enclosingConflictRetry = retryScopesOf(tree, members[0]!).find((r) => {
    const policy = tree.scopes.get(r)!.node;
    return policy.type === "retry" && (policy.policy.retryOn ?? []).includes("conflict");
  });
  const retry = (): PlanTransaction["conflictRetry"] =>
    enclosingConflictRetry ? { scope: enclosingConflictRetry } : { implicit: IMPLICIT_CONFLICT_RETRY };
  if (reasons.length > 0) {
    const raised = declared !== "serializable";
    const how = enclosingConflictRetry
      ? `retried by ${enclosingConflictRetry}`
      : `retried up to ${IMPLICIT_CONFLICT_RETRY.maxAttempts} times`;
    const from = raised ? ` (raised from ${declared ?? "the default readCommitted"})` : "";
    return {
      isolation: { isolation: "serializable", source: raised ? "concurrency" : "spec" },
      conflictRetry: retry(),
      measure: {
        strategy: "serializableRetry",
        nodes: members,
        transaction: scope.id,
        reason: `${reasons.join("; ")}: transaction ${scope.id} runs serializable${from}, ${how} on a serialization failure`,
      },
    };
  }
  const isolation = { isolation: declared ?? "readCommitted", source: declared ? "spec" : "default" } as const;
  if (declared === "serializable" || declared === "repeatableRead") return { isolation, conflictRetry: retry() };
  return { isolation, conflictRetry: enclosingConflictRetry ? { scope: enclosingConflictRetry } : null };
}

/**
 * A write of one row after a read of that row: a row lock on the read when both are in one
 * transaction, else an optimistic version check on the write. Undefined when no read precedes it.
 */
function decideRowWrite(
  { flow, tree, order, node, isUnique }: FlowAt,
  wId: string,
): { measure: ConcurrencyMeasure; lock?: { read: string; lock: PlanLock }; versionCheck?: { node: string; reason: string } } | undefined {
  const w = node(wId);
  if (w.type !== "write" || w.action === "create" || !isUnique(w.entity, w.where)) return undefined;
  const uses = new Set(nodeExpressions(w).flatMap((e) => [...nodeRefs(e)]));
  const reads = order.filter((rId) => {
    const r = node(rId);
    return (
      r.type === "read" &&
      r.entity === w.entity &&
      flow.ancestors.get(wId)?.has(rId) === true &&
      (r.one === true || isUnique(r.entity, r.where)) &&
      (uses.has(rId) || JSON.stringify(r.where ?? {}) === JSON.stringify(w.where ?? {}))
    );
  });
  const rId = reads[reads.length - 1];
  if (rId === undefined) return undefined;
  const r = node(rId) as Read;
  const txR = transactionOf(tree, rId);
  const txW = transactionOf(tree, wId);
  const verb = describeWrite(w);
  if (txR !== null && txR === txW) {
    const specLock = r.lock === "update";
    const measure: ConcurrencyMeasure = {
      strategy: "rowLock",
      nodes: [rId, wId],
      transaction: txR,
      reason: `${rId} reads the ${w.entity} row FOR UPDATE${specLock ? "" : " (added by the compiler)"} inside transaction ${txR} and ${wId} ${verb}: a racing invocation waits for the commit, then sees the new row`,
    };
    if (specLock) return { measure };
    const lock: PlanLock = {
      mode: "update",
      source: "concurrency",
      transaction: txR,
      reason:
        r.lock === "share"
          ? `raised from FOR SHARE: ${wId} writes the row (two share locks upgrading would deadlock)`
          : `${wId} writes the row this read returns`,
    };
    return { measure, lock: { read: rId, lock } };
  }
  const reason = `${rId} and ${wId} are not in one transaction, so no lock spans them: ${wId} ${verb} only if the row's version is still the one ${rId} read, else 409`;
  return { measure: { strategy: "optimisticVersion", nodes: [rId, wId], transaction: txW, reason }, versionCheck: { node: rId, reason } };
}

/** The plan's strategy is its strongest measure's; with none, the reason none is needed. */
function strongestPlan({ flow, tree, order, entities }: FlowAt, measures: ConcurrencyMeasure[]): ConcurrencyPlan {
  const strongest = measures.reduce<ConcurrencyMeasure | undefined>(
    (best, m) => (!best || STRENGTH[m.strategy] > STRENGTH[best.strategy] ? m : best),
    undefined,
  );
  return strongest
    ? { strategy: strongest.strategy, reason: strongest.reason, measures }
    : { strategy: "none", reason: noneReason(flow, tree, order, entities), measures };
}

function isWrite(n: ReturnType<FlowGraph["nodes"]["get"]>): boolean {
  return n !== undefined && (n.type === "write" || (n.type === "sql" && n.mode === "write"));
}

function describeWrite(w: Write): string {
  return w.action === "transition" ? `moves it to ${w.to}` : w.action === "delete" ? "deletes it" : "updates it";
}

function noneReason(flow: FlowGraph, tree: ScopeTree, order: readonly string[], entities: ReadonlyMap<string, EntitySpec>): string {
  const writes = order.map((id) => flow.nodes.get(id)!).filter(isWrite);
  if (writes.length === 0) return "reads only: nothing to protect";
  const creates = writes.filter((w) => w.type === "write" && w.action === "create");
  const constraints = [...new Set(creates.map((w) => (w as Write).entity))].some((e) => {
    const spec = entities.get(e);
    return (
      spec !== undefined &&
      ((spec.unique?.length ?? 0) > 0 || (spec.noOverlap?.length ?? 0) > 0 || Object.values(spec.fields).some((f) => f.unique))
    );
  });
  if (creates.length === writes.length) {
    return constraints
      ? "plain inserts: the database's unique and noOverlap constraints reject a racing duplicate (409)"
      : "plain inserts: racing invocations cannot conflict";
  }
  if (writes.some((w) => transactionOf(tree, w.id) === null)) {
    return "writes outside any transaction (see R001): each statement is atomic on its own, and no measure spans more than one";
  }
  return "single-statement writes by key with no read of the row first: each is atomic in the database, which also checks status transitions";
}
