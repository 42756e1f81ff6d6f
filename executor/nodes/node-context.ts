/**
 * What a node handler may use: CEL evaluation in the tool's flow environment, statements on the
 * invocation's connection (refusals already mapped), the deadline, effects and secrets. The
 * runner (executor/invoke/run-flow.ts) implements it; handlers never see the connection itself.
 */
import type { PlanNode } from "../../compiler/flow/plan";
import type { Statement } from "../../database/types";
import type { EntityRuntime, RuntimeApp, RuntimeTool } from "../app/runtime-app";
import type { Caller } from "../auth/caller";
import type { Deadline } from "../errors/deadline";
import type { ExternalServices } from "./external-services";
import type { EffectRequest, RecordedEffect } from "./effect-request";

export type RowAction = "create" | "update" | "delete" | "transition";

export type { RecordedEffect } from "./effect-request";

export interface NodeContext {
  readonly app: RuntimeApp;
  readonly tool: RuntimeTool;
  readonly invocationId: string;
  readonly caller: Caller;
  readonly deadline: Deadline;
  readonly services: ExternalServices;
  /** Evaluates a CEL expression of node `node` (field names the spec key, for errors). */
  evaluate(node: PlanNode, field: string, expression: string): unknown;
  entity(name: string): EntityRuntime;
  /** Runs one statement on the invocation's connection; a refusal becomes its contract error. */
  query<R = Record<string, unknown>>(node: PlanNode, statement: Statement): Promise<R[]>;
  /** Rows a write returned: for the audit record and the invariant checks before commit. */
  wrote(node: PlanNode, entity: string, action: RowAction, rows: readonly Record<string, unknown>[]): void;
  /** An external effect that happened; `compensation` arms its refund (with the guard written for it, if any). */
  effect(effect: RecordedEffect, compensation?: { payment: string; idempotencyKey: string; apiKey: string; guard?: string }): void;
  /**
   * Before an in-flow charge that arms a refund: commits a guard that refunds `request` if this
   * invocation never finishes (a killed process). Its id, or undefined where guards are not kept.
   */
  guard(node: PlanNode, request: EffectRequest): Promise<string | undefined>;
  /** The guarded charge was declined: nothing was taken, so the guard has nothing to do. */
  declined(guard: string): void;
  /** An external node is about to call the outside world (once per attempt): counted for the audit record's trace. */
  attempted(node: PlanNode): void;
  /** The payment idempotency key of a node when its spec gives none: per invocation key and node. */
  paymentKey(node: PlanNode): string;
  /**
   * An after-commit effect: stored in the outbox with the next commit, made once it landed.
   * `build` gets the idempotency key derived from the entry's outbox row. No output in the flow.
   */
  enqueue(node: PlanNode, build: (key: string) => EffectRequest, deliveryHeaders?: Record<string, string>): undefined;
}
