import { celAst, conjuncts, nodeFieldOf, nodeRefs, stringLiteral, type CelNode } from "../../language/cel-syntax";
import { whereExpressions } from "../../compiler/flow/expressions";
import type { CompiledTool } from "../../compiler/flow/compile";
import type { StatusSpec } from "../../language/entity";
import type { NodeOfType } from "../../language/nodes";
import type { ToolRule, RuleHit } from "../rule";
import { nodesInOrder } from "./facts";

/**
 * R006: a transition the status machine cannot make. Fires when no listed transition enters the
 * target state, or when the row's current status is pinned and the pinned state has no transition
 * to the target. A status is pinned by the write's own where (`status: "'confirmed'"`, `eq`, `in`)
 * or by an `assert` that always runs before the write whose condition requires (alone or in an
 * `&&`) `nodes.<read>.<status> == '<state>'` or `... in ['<state>', …]`, where `<read>` is a read of
 * the same entity that the write's where refers to.
 */
export const transitionNotListed: ToolRule<"R006"> = {
  id: "R006",
  level: "red",
  title: "a transition to a state that no listed transition enters, or one not listed from a status an assert pins",
  hint: "list the transition in the entity's status.transitions, or transition to a state the pinned status may move to",
  check: (tool) => {
    const hits: RuleHit[] = [];
    for (const n of nodesInOrder(tool)) {
      if (n.type !== "write" || n.action !== "transition" || n.to === undefined) continue;
      const status = tool.entities.get(n.entity)?.status;
      if (!status) continue;
      const entering = pairs(status).filter(([, to]) => to === n.to);
      if (entering.length === 0) {
        hits.push({
          node: n.id,
          message: `write "${n.id}" moves ${n.entity} to "${n.to}", but no listed transition enters "${n.to}": the database refuses it at run time`,
        });
        continue;
      }
      for (const pin of pins(tool, n, status.field ?? "status")) {
        const refused = pin.states.filter((from) => !entering.some(([f]) => f === from));
        if (refused.length === 0) continue;
        const states = refused.map((s) => `"${s}"`).join(", ");
        hits.push({
          node: n.id,
          message: `write "${n.id}" moves ${n.entity} from ${states} (pinned by ${pin.by}) to "${n.to}", which no listed transition allows: the database refuses it at run time`,
        });
      }
    }
    return hits;
  },
};

function pairs(status: StatusSpec): [string, string][] {
  return (status.transitions ?? []).flatMap((t) => (Array.isArray(t.from) ? t.from : [t.from]).map((f): [string, string] => [f, t.to]));
}

interface Pin {
  states: string[];
  by: string;
}

function pins(tool: CompiledTool, write: NodeOfType<"write">, field: string): Pin[] {
  const result: Pin[] = [];
  const own = write.where?.[field];
  if (own !== undefined) {
    const states =
      typeof own === "string"
        ? statesOf(own)
        : own.eq !== undefined
          ? statesOf(own.eq)
          : own.in !== undefined
            ? listStates(celAst(own.in))
            : undefined;
    if (states) result.push({ states, by: `its where on ${field}` });
  }
  // Reads of the same entity that the write's where names: their row is the row being moved.
  const refs = new Set(whereExpressions(write.where).flatMap((e) => [...nodeRefs(e)]));
  const rows = [...refs].filter((id) => {
    const r = tool.flow.nodes.get(id);
    return r?.type === "read" && r.entity === write.entity;
  });
  if (rows.length === 0) return result;
  for (const id of tool.plan.order) {
    const a = tool.flow.nodes.get(id)!;
    if (a.type !== "assert" || !tool.flow.ancestors.get(write.id)?.has(id)) continue;
    if (tool.runs.maySkipWhileRunning(id, write.id)) continue; // it may not have run: it pins nothing
    const ast = celAst(a.condition);
    if (!ast) continue;
    for (const part of conjuncts(ast)) {
      const pinned = pinnedBy(part, rows, field);
      if (pinned) result.push({ states: pinned, by: `assert "${id}"` });
    }
  }
  return result;
}

function statesOf(expression: string): string[] | undefined {
  const value = stringLiteral(celAst(expression) ?? undefined);
  return value === undefined ? undefined : [value];
}

function listStates(node: CelNode | null): string[] | undefined {
  if (node?.op !== "list" || !Array.isArray(node.args)) return undefined;
  const values = (node.args as CelNode[]).map(stringLiteral);
  return values.every((v): v is string => v !== undefined) ? values : undefined;
}

/** States a conjunct requires of `nodes.<row>.<field>`, if it is `==` a literal or `in` a literal list. */
function pinnedBy(part: CelNode, rows: string[], field: string): string[] | undefined {
  if (!Array.isArray(part.args)) return undefined;
  const [left, right] = part.args as CelNode[];
  const isStatus = (n: CelNode | undefined) => {
    const ref = n ? nodeFieldOf(n) : undefined;
    return ref !== undefined && rows.includes(ref[0]) && ref[1] === field;
  };
  if (part.op === "==") {
    if (isStatus(left) && stringLiteral(right) !== undefined) return [stringLiteral(right)!];
    if (isStatus(right) && stringLiteral(left) !== undefined) return [stringLiteral(left)!];
  }
  if (part.op === "in" && isStatus(left)) return listStates(right ?? null);
  return undefined;
}
