/** A node handler runs one node and returns its output as a CEL value (undefined: no output). */
import type { PlanNode } from "../../compiler/flow/plan";
import type { NodeOfType, NodeType } from "../../language/nodes";
import type { NodeContext } from "./node-context";

export type ExecutableType = PlanNode["type"];

export type NodeHandler<T extends NodeType> = (node: PlanNode, spec: NodeOfType<T>, ctx: NodeContext) => Promise<unknown>;
