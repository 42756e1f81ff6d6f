/**
 * A plan's `steps` (brackets: begin/commit, retryStart/retryEnd, run) as a tree, built once when
 * the app loads, so the runner executes scopes as nested blocks instead of jumping by index.
 */
import type { ExecutionPlan } from "../../compiler/flow/plan";

export type ProgramItem =
  | { kind: "run"; node: string }
  | { kind: "transaction"; id: string; body: ProgramItem[] }
  | { kind: "retry"; id: string; body: ProgramItem[] };

export function buildProgram(plan: ExecutionPlan): ProgramItem[] {
  const root: ProgramItem[] = [];
  const stack: { items: ProgramItem[]; close: string; id: string }[] = [{ items: root, close: "", id: "" }];
  const top = () => stack[stack.length - 1]!;
  for (const step of plan.steps) {
    switch (step.op) {
      case "run":
        top().items.push({ kind: "run", node: step.node });
        break;
      case "begin":
      case "retryStart": {
        const item =
          step.op === "begin"
            ? { kind: "transaction" as const, id: step.transaction, body: [] }
            : { kind: "retry" as const, id: step.scope, body: [] };
        top().items.push(item);
        stack.push({ items: item.body, close: step.op === "begin" ? "commit" : "retryEnd", id: item.id });
        break;
      }
      case "commit":
      case "retryEnd": {
        const id = step.op === "commit" ? step.transaction : step.scope;
        if (stack.length === 1 || top().close !== step.op || top().id !== id)
          throw new Error(`plan of ${plan.tool}: ${step.op} ${id} does not close the open scope`);
        stack.pop();
        break;
      }
    }
  }
  if (stack.length !== 1) throw new Error(`plan of ${plan.tool}: scope ${top().id} is never closed`);
  return root;
}

/**
 * The transaction whose commit ends the program (no node runs after it), or null. Its commit can
 * carry the stored response and the audit record; otherwise they get a transaction of their own.
 */
export function finalTransaction(program: readonly ProgramItem[]): string | null {
  const last = program[program.length - 1];
  if (!last || last.kind === "run") return null;
  if (last.kind === "transaction") return last.id;
  return finalTransaction(last.body);
}

/** Prefix of the executor's own transactions (node ids are camelCase, so they never clash). */
export const IMPLICIT_PREFIX = "~";
export const WHOLE_FLOW_TRANSACTION = "~invocation";
const DATABASE_NODES = new Set(["read", "write", "sql"]);

/**
 * Where the plan runs a database node outside any transaction, the executor still gives its
 * statement a transaction of its own (the same atomicity as autocommit), so it gets the deadline
 * as statement_timeout and its written rows their invariant check before commit. A plan with no
 * transaction and no external node runs whole in one such transaction, which then also carries
 * the audit record.
 */
export function withImplicitTransactions(program: ProgramItem[], plan: ExecutionPlan, whole: boolean): ProgramItem[] {
  if (whole) return [{ kind: "transaction", id: WHOLE_FLOW_TRANSACTION, body: program }];
  const wrap = (items: ProgramItem[]): ProgramItem[] =>
    items.map((item) => {
      if (item.kind === "transaction") return item;
      if (item.kind === "retry") return { ...item, body: wrap(item.body) };
      return DATABASE_NODES.has(plan.nodes[item.node]!.type)
        ? { kind: "transaction", id: `${IMPLICIT_PREFIX}${item.node}`, body: [item] }
        : item;
    });
  return wrap(program);
}
