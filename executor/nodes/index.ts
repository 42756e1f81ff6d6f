/** One handler per executable node type: a new node type without a handler does not compile. */
import type { PlanNode } from "../../compiler/flow/plan";
import type { NodeOfType } from "../../language/nodes";
import { runEmail } from "./email";
import type { ExecutableType, NodeHandler } from "./handler";
import { runHttp } from "./http";
import type { NodeContext } from "./node-context";
import { runPayment } from "./payment";
import { runAssert, runIf, runPolicyCheck, runSwitch, runTransform } from "./pure";
import { runRead } from "./read";
import { runSql } from "./sql";
import { runWrite } from "./write";

export const NODE_HANDLERS: { [T in ExecutableType]: NodeHandler<T> } = {
  read: runRead,
  write: runWrite,
  transform: runTransform,
  if: runIf,
  switch: runSwitch,
  payment: runPayment,
  email: runEmail,
  http: runHttp,
  policyCheck: runPolicyCheck,
  assert: runAssert,
  sql: runSql,
};

export function runNode(node: PlanNode, ctx: NodeContext): Promise<unknown> {
  const handler = NODE_HANDLERS[node.type] as NodeHandler<ExecutableType>;
  return handler(node, node.spec as NodeOfType<ExecutableType>, ctx);
}
