import type { ToolRule } from "../rule";
import { isWriteNode, nodesInOrder } from "./facts";

/** Y008: schedulers and webhooks deliver at least once; without idempotency a redelivery writes twice. */
export const unkeyedRedelivery: ToolRule<"Y008"> = {
  id: "Y008",
  level: "yellow",
  title: "a scheduled or webhook Tool that writes with idempotency: none",
  hint: "set idempotency: required (the key is derived from the job's scheduled time or the webhook's event id)",
  check: (tool) => {
    const trigger = tool.spec.trigger.schedule ? "scheduled" : tool.spec.trigger.webhook ? "webhook" : undefined;
    if (!trigger || tool.spec.idempotency !== "none" || !nodesInOrder(tool).some(isWriteNode)) return [];
    const who = trigger === "scheduled" ? "Cloud Scheduler" : "the webhook's sender";
    return [
      { message: `the ${trigger} tool writes with idempotency: none: ${who} delivers at least once, so a repeated delivery writes again` },
    ];
  },
};
