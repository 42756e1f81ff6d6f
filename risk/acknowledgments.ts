/**
 * Acknowledgments: a tool accepts a Yellow finding by naming it (rule + node, no node for a
 * tool-level finding) with a reason. Red findings are never acknowledged. An acknowledgment that
 * matches no finding is stale, and is itself reported (A001), so suppressions cannot outlive the
 * problem they excused.
 */
import type { ToolSpec } from "../language/tool";
import type { Finding } from "./rule";

export const STALE_ACKNOWLEDGMENT = {
  id: "A001",
  level: "yellow",
  title: "an acknowledgment that matches no finding (stale)",
  hint: "remove the acknowledgment, or correct its rule and node to the finding it means",
} as const;

export function applyAcknowledgments(tool: ToolSpec, findings: readonly Finding[]): Finding[] {
  const acks = tool.acknowledge ?? [];
  const result = findings.map((f) => {
    if (f.level === "red") return { ...f, acknowledged: false };
    const ack = acks.find((a) => a.rule === f.rule && a.node === f.node);
    return ack ? { ...f, acknowledged: true, reason: ack.reason } : { ...f, acknowledged: false };
  });
  for (const ack of acks) {
    const match = findings.find((f) => f.rule === ack.rule && f.node === ack.node);
    if (match && match.level !== "red") continue;
    const where = ack.node !== undefined ? ` at node ${ack.node}` : " (tool-level)";
    const why = match
      ? `${ack.rule} is Red: Red findings cannot be acknowledged, only fixed`
      : `no ${ack.rule} finding${where}: the acknowledgment is stale`;
    const stale: Finding = {
      rule: STALE_ACKNOWLEDGMENT.id,
      level: STALE_ACKNOWLEDGMENT.level,
      message: `acknowledgment of ${ack.rule}${where} ("${ack.reason}") matches nothing it may excuse: ${why}`,
      hint: STALE_ACKNOWLEDGMENT.hint,
      acknowledged: false,
    };
    if (ack.node !== undefined) stale.node = ack.node;
    result.push(stale);
  }
  return result;
}
