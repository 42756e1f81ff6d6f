/**
 * A plan as people read it: one line per step, scopes indented, each node with what the plan
 * decided for it (lock, version check, deadline, retries, compensation, branch guards).
 */
import { nodeRefs } from "../../language/cel-syntax";
import { nodeExpressions } from "./expressions";
import type { ExecNode } from "./graph";
import type { ExecutionPlan, PlanNode } from "./plan";
import { formatMs } from "./timing";

export function planOutline(plan: ExecutionPlan): string[] {
  const lines: string[] = [];
  let depth = 0;
  const width = Math.max(...plan.order.map((id) => id.length), 1);
  const pad = () => "  ".repeat(depth);
  for (const step of plan.steps) {
    switch (step.op) {
      case "begin": {
        const tx = plan.transactions.find((t) => t.id === step.transaction)!;
        const retry =
          tx.conflictRetry === null
            ? ""
            : "scope" in tx.conflictRetry
              ? `, conflicts retried by ${tx.conflictRetry.scope}`
              : `, conflicts retried ×${tx.conflictRetry.implicit.maxAttempts}`;
        const source = tx.isolationSource === "concurrency" ? " raised by the compiler" : "";
        lines.push(`${pad()}begin ${tx.id} (${tx.isolation}${source}${retry})`);
        depth++;
        break;
      }
      case "commit":
        depth--;
        lines.push(`${pad()}commit ${step.transaction}`);
        break;
      case "retryStart": {
        const scope = plan.retryScopes.find((r) => r.id === step.scope)!;
        const p = scope.policy;
        lines.push(
          `${pad()}retry ${scope.id} (${p.maxAttempts} attempts, ${formatMs(p.initialIntervalMs)} ×${p.backoffCoefficient}, on ${p.retryOn.join("/")}${scope.savepoint ? ", savepoint" : ""})`,
        );
        depth++;
        break;
      }
      case "retryEnd":
        depth--;
        lines.push(`${pad()}end retry ${step.scope}`);
        break;
      case "run": {
        const node = plan.nodes[step.node]!;
        lines.push(`${pad()}${node.id.padEnd(width)}  ${describeNode(node)}${annotations(plan, node)}`);
        break;
      }
    }
  }
  return lines;
}

function describeNode(node: PlanNode): string {
  const n = node.spec;
  switch (n.type) {
    case "read":
      return `read ${n.entity}${n.one ? " (one)" : n.limit !== undefined ? ` (limit ${n.limit})` : " (all matching)"}`;
    case "write":
      return `${n.action} ${n.entity}${n.action === "transition" ? ` → ${n.to}` : ""}`;
    case "payment":
      return `payment ${n.action}`;
    case "http":
      return `http ${n.method}`;
    case "sql":
      return `sql (${n.mode})`;
    case "policyCheck":
      return `policyCheck ${n.policy ?? "rule"}`;
    default:
      return n.type;
  }
}

function annotations(plan: ExecutionPlan, node: PlanNode): string {
  const notes: string[] = [];
  // "when" only when every way in is a branch edge; otherwise an unconditional edge may run it too.
  const guarded = node.incoming.length > 0 && node.incoming.every((e) => e.when !== undefined);
  if (guarded) notes.push(`when ${node.incoming.map((e) => `${e.from} = ${String(e.when)}`).join(" or ")}`);
  else if (node.canBeSkipped) notes.push("may be skipped");
  if (node.lock) notes.push(`FOR ${node.lock.mode.toUpperCase()}${node.lock.source === "concurrency" ? " (added)" : ""}`);
  if (node.versionCheck) notes.push(`version = ${node.versionCheck.node}.version`);
  if (node.external) {
    const e = node.external;
    if (e.runs === "afterCommit") notes.push("after commit (outbox)");
    const attempts = e.maxAttempts === 1 ? "1 attempt" : `${e.maxAttempts} attempts, budget ${formatMs(e.budgetMs)}`;
    notes.push(`timeout ${formatMs(e.attemptTimeoutMs)}${e.timeoutSource === "default" ? " (default)" : ""}, ${attempts}`);
  }
  if (node.compensation) notes.push(`arms ${node.compensation.action}`);
  const reads = new Set(nodeExpressions(node.spec as ExecNode).flatMap((e) => [...nodeRefs(e)]));
  const absent = node.maySkip.filter((id) => reads.has(id));
  if (absent.length > 0) notes.push(`reads ${absent.map((id) => `nodes.${id}`).join(", ")}, which may be absent`);
  return notes.length > 0 ? ` · ${notes.join(" · ")}` : "";
}
