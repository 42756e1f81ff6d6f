import { formatMs } from "../../compiler/flow/timing";
import type { ToolRule } from "../rule";

/** Y005: a tool with no `timeout` gets the default deadline, which nobody chose. */
export const toolWithoutTimeout: ToolRule<"Y005"> = {
  id: "Y005",
  level: "yellow",
  title: "a Tool without timeout",
  hint: "set timeout: on the tool (the deadline of the whole invocation)",
  check: (tool) =>
    tool.spec.timeout === undefined
      ? [{ message: `the tool sets no timeout: each invocation may run for the default ${formatMs(tool.plan.deadline.ms)}` }]
      : [],
};
