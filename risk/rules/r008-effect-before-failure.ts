import type { ToolRule, RuleHit } from "../rule";
import { failuresAfter, formatList, isExternal, label, nodesInOrder, runsAfterCommit } from "./facts";

/**
 * R008: an effect that cannot be undone, made in the flow while a later step can still fail — a
 * refund, an email, an http call that is not a read (GET/HEAD), with `runs: inFlow`. If the
 * invocation then fails, nothing it wrote stands but the effect does, and the client's retry
 * makes it again. (A charge is R003's: it has compensate: refund to undo it.) By default these
 * effects run after the commit, from the outbox, so only a spec that asks for `runs: inFlow`
 * meets this rule.
 */
export const effectBeforeFailure: ToolRule<"R008"> = {
  id: "R008",
  level: "red",
  title: "an effect that cannot be undone (refund, email, http other than GET/HEAD) runs in the flow while a later step can still fail",
  hint: "let it run after the commit (remove runs: inFlow), or make it the flow's last step, outside any transaction",
  check: (tool) => {
    const hits: RuleHit[] = [];
    for (const n of nodesInOrder(tool)) {
      if (!isExternal(n) || runsAfterCommit(tool, n) || !cannotBeUndone(n)) continue;
      const later = failuresAfter(tool, n.id);
      if (later.length > 0)
        hits.push({
          node: n.id,
          message: `${label(n)} runs in the flow and cannot be undone, yet ${formatList(later)} can still fail after it: the invocation would fail with the effect made, and a retry would make it again`,
        });
    }
    return hits;
  },
};

function cannotBeUndone(node: ReturnType<typeof nodesInOrder>[number]): boolean {
  if (node.type === "payment") return node.action === "refund";
  if (node.type === "http") return node.method !== "GET" && node.method !== "HEAD";
  return node.type === "email";
}
