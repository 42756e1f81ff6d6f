/**
 * Attempts of an external node: each bounded by min(the node's attempt timeout, time left to the
 * deadline), retried by the node's policy (the plan's, defaults filled), never starting an
 * attempt or a backoff wait that cannot finish before the deadline. What is left after the last
 * attempt becomes the contract's error: 504 when the deadline ran out, 402 for a declined
 * payment, 502 otherwise — keeping its failure class for enclosing retry scopes.
 */
import type { PlanNode } from "../../compiler/flow/plan";
import { backoffOfPlan, withRetries } from "../effects/backoff";
import { AttemptError } from "../errors/flow-error";
import { PaymentDeclined } from "../effects/payments";
import { ToolError } from "../errors/catalogue";
import { deadlineExceeded } from "../errors/deadline";
import { FlowError } from "../errors/flow-error";
import type { NodeContext } from "./node-context";
import { performEffect, type EffectOutcome, type EffectRequest } from "./effect-request";

/** The node's effect waits for the commit (the plan's `external.runs`): the handler enqueues instead of calling. */
export function runsAfterCommit(node: PlanNode): boolean {
  return node.external?.runs === "afterCommit";
}

/** The node's request performed in the flow, attempt by attempt (attemptExternal). */
export function attemptEffect(ctx: NodeContext, node: PlanNode, request: EffectRequest): Promise<EffectOutcome> {
  return attemptExternal(ctx, node, (timeoutMs) => performEffect(ctx.services, request, timeoutMs));
}

export async function attemptExternal<T>(
  ctx: NodeContext,
  node: PlanNode,
  attempt: (timeoutMs: number, n: number) => Promise<T>,
): Promise<T> {
  const external = node.external!;
  const backoff = backoffOfPlan(external.retry);
  try {
    return await withRetries(backoff, ctx.deadline.at, async (n) => {
      const left = ctx.deadline.remaining();
      if (left <= 0) throw new AttemptError("the deadline passed before the attempt", "timeout");
      ctx.attempted(node);
      return attempt(Math.min(external.attemptTimeoutMs, left), n);
    });
  } catch (error) {
    throw externalFailure(ctx, node, error);
  }
}

function externalFailure(ctx: NodeContext, node: PlanNode, error: unknown): Error {
  if (error instanceof ToolError) return error;
  if (error instanceof PaymentDeclined) {
    return FlowError.from(
      ToolError.of("PAYMENT_DECLINED", error.message, [{ message: error.message, node: node.id, declineCode: error.declineCode }]),
      "permanent",
    );
  }
  if (error instanceof AttemptError) {
    if (error.failure === "timeout" && ctx.deadline.remaining() <= 0)
      return deadlineExceeded(ctx.tool.plan.deadline.ms, `node "${node.id}"`);
    return FlowError.from(
      ToolError.of("UPSTREAM_FAILED", `${node.type} "${node.id}" failed: ${error.message}`, [
        { message: error.message, node: node.id, failure: error.failure },
      ]),
      error.failure,
    );
  }
  return FlowError.from(
    ToolError.of("UPSTREAM_FAILED", `${node.type} "${node.id}" failed`, [
      { message: (error as Error)?.message ?? String(error), node: node.id },
    ]),
    "permanent",
  );
}
