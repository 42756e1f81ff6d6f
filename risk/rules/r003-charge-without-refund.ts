import type { ToolRule, RuleHit } from "../rule";
import { formatList, nodesInOrder } from "./facts";

/**
 * R003: a charge with no `compensate: refund` while something after it can still fail. "After"
 * is the plan's step order: every node run that can happen in the same invocation as the charge
 * (nodes on an exclusive branch cannot), and the commit of any transaction that is open at the
 * charge or begins after it — a commit can fail too.
 */
export const chargeWithoutRefund: ToolRule<"R003"> = {
  id: "R003",
  level: "red",
  title: "a payment charge without compensate: refund while a later step of the flow can still fail",
  hint: "set compensate: refund on the charge, or make it the flow's last step, outside any transaction",
  check: (tool) => {
    const hits: RuleHit[] = [];
    const { steps } = tool.plan;
    for (const n of nodesInOrder(tool)) {
      if (n.type !== "payment" || n.action !== "charge" || n.compensate === "refund") continue;
      const at = steps.findIndex((s) => s.op === "run" && s.node === n.id);
      const later: string[] = [];
      for (const step of steps.slice(at + 1)) {
        if (step.op === "run" && tool.runs.runTogether(n.id, step.node)) later.push(step.node);
        if (step.op === "commit") {
          const tx = tool.plan.transactions.find((t) => t.id === step.transaction)!;
          if (tx.members.some((m) => m === n.id || tool.runs.runTogether(n.id, m))) later.push(`the commit of ${tx.id}`);
        }
      }
      if (later.length > 0) {
        const how = n.compensate === "none" ? "compensate: none" : "no compensate: refund";
        hits.push({
          node: n.id,
          message: `payment "${n.id}" charges with ${how}, yet ${formatList(later)} can still fail after it: the customer would pay for nothing`,
        });
      }
    }
    return hits;
  },
};
