import type { ToolRule, RuleHit } from "../rule";
import { failuresAfter, formatList, nodesInOrder, runsAfterCommit } from "./facts";

/**
 * R003: a charge in the flow with no `compensate: refund` while something after it can still
 * fail (facts.ts failuresAfter). A charge with `runs: afterCommit` is made once everything committed.
 */
export const chargeWithoutRefund: ToolRule<"R003"> = {
  id: "R003",
  level: "red",
  title: "a payment charge without compensate: refund while a later step of the flow can still fail",
  hint: "set compensate: refund on the charge, or make it the flow's last step, outside any transaction",
  check: (tool) => {
    const hits: RuleHit[] = [];
    for (const n of nodesInOrder(tool)) {
      if (n.type !== "payment" || n.action !== "charge" || n.compensate === "refund" || runsAfterCommit(tool, n)) continue;
      const later = failuresAfter(tool, n.id);
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
