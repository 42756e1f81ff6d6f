/**
 * Checks of effects that run after the commit (docs/spec-language.md, "When an effect happens").
 * Such a node's fields are evaluated in the flow and stored in the outbox; the call happens once
 * the commit landed, so its result never exists while the flow runs, and whatever the outbox row
 * holds is readable by anyone who can read the database — a secret must not end up there.
 */
import { deliveryHeader, effectTiming } from "../../language/node-kinds";
import type { FlowNodeSpec, NodeOfType } from "../../language/nodes";
import type { SpecPath } from "../source/yaml-document";
import type { Diagnostic } from "../diagnostics";

type Report = (code: Diagnostic["code"], path: SpecPath, message: string, expected?: string) => void;

const EXTERNAL = new Set(["payment", "email", "http"]);
const READS_SECRETS = /\bsecrets\b/;

export function runsAfterCommit(node: FlowNodeSpec): boolean {
  return EXTERNAL.has(node.type) && effectTiming(node as { type: string }) === "afterCommit";
}

/** Why `nodes.<id>` of an after-commit node cannot be read, for FS034 at the reading expression. */
export function afterCommitResultMessage(reader: string, node: FlowNodeSpec): string {
  const why = (node as { runs?: string }).runs === "afterCommit" ? "runs: afterCommit" : `the default for ${describe(node)}`;
  return `${reader} reads nodes.${node.id}, but ${node.type} "${node.id}" runs after the commit (${why}): its result does not exist during the flow`;
}

export const AFTER_COMMIT_RESULT_HINT = `runs: inFlow on the node (the Risk Engine then judges the effect), or no use of its result`;

/** The node's own fields: a charge after the commit has nothing to compensate; secrets only where they are read at delivery. */
export function checkAfterCommitNode(node: FlowNodeSpec, path: SpecPath, report: Report): void {
  if (!runsAfterCommit(node)) return;
  const effect = node as NodeOfType<"payment" | "email" | "http">;
  if (effect.type === "payment" && effect.action === "charge" && effect.compensate === "refund")
    report(
      "FS034",
      [...path, "compensate"],
      `payment "${node.id}" runs after the commit, so no later step can fail and nothing needs compensating`,
      "no compensate, or runs: inFlow",
    );
  for (const [key, expression] of storedExpressions(effect)) {
    if (!READS_SECRETS.test(expression)) continue;
    if (!(key[0] === "headers" && deliveryHeader(expression)))
      report(
        "FS034",
        [...path, ...key],
        `${effect.type} "${node.id}" runs after the commit and its ${key.join(".")} reads secrets: the value would be stored in the outbox table`,
        key[0] === "headers"
          ? "a header that reads only secrets (it is evaluated at delivery)"
          : "the secret in a header that reads only secrets, or runs: inFlow",
      );
  }
}

/** Expressions evaluated in the flow and stored in the outbox row, with their key under the node. */
function storedExpressions(node: NodeOfType<"payment" | "email" | "http">): [SpecPath, string][] {
  const out: [SpecPath, string][] = [];
  const add = (key: string, value: string | undefined) => value !== undefined && out.push([[key], value]);
  if (node.type === "payment") for (const k of ["amount", "currency", "customer", "payment", "idempotencyKey"] as const) add(k, node[k]);
  if (node.type === "email") for (const k of ["to", "subject", "body"] as const) add(k, node[k]);
  if (node.type === "http") {
    add("url", node.url);
    add("body", node.body);
    for (const [name, value] of Object.entries(node.headers ?? {})) out.push([["headers", name], value]);
  }
  return out;
}

function describe(node: FlowNodeSpec): string {
  if (node.type === "payment") return `a ${(node as NodeOfType<"payment">).action}`;
  if (node.type === "http") return `an http ${(node as NodeOfType<"http">).method}`;
  return `an ${node.type}`;
}
