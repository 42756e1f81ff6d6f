/** The nodes that only evaluate CEL: transform, if, switch, assert and policyCheck. */
import { ToolError } from "../errors/catalogue";
import type { NodeHandler } from "./handler";

export const runTransform: NodeHandler<"transform"> = async (node, spec, ctx) => ctx.evaluate(node, "value", spec.value);

export const runIf: NodeHandler<"if"> = async (node, spec, ctx) => ctx.evaluate(node, "condition", spec.condition) === true;

export const runSwitch: NodeHandler<"switch"> = async (node, spec, ctx) => ctx.evaluate(node, "value", spec.value);

/** An assert stops the flow with its own error when the condition is not true. */
export const runAssert: NodeHandler<"assert"> = async (node, spec, ctx) => {
  if (ctx.evaluate(node, "condition", spec.condition) !== true) {
    throw ToolError.declared(spec.error, [{ message: spec.error.message, node: node.id }]);
  }
  return undefined;
};

/** A policyCheck evaluates a Policy (or its own rule) over input, caller and the nodes so far. */
export const runPolicyCheck: NodeHandler<"policyCheck"> = async (node, spec, ctx) => {
  const policy = spec.policy !== undefined ? ctx.app.policies.get(spec.policy) : undefined;
  const rule = policy?.rule ?? spec.rule!;
  if (ctx.evaluate(node, spec.policy !== undefined ? "policy" : "rule", rule) === true) return undefined;
  if (spec.error) throw ToolError.declared(spec.error, [{ message: spec.error.message, node: node.id }]);
  const message =
    policy?.message ?? (spec.policy ? `policy ${spec.policy} denied this request` : `the rule of "${node.id}" denied this request`);
  throw ToolError.of("POLICY_DENIED", message, [{ message, node: node.id, ...(spec.policy ? { policy: spec.policy } : {}) }]);
};
