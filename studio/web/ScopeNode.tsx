/** A transaction or retry scope: a box drawn around its members, titled with its kind and settings (and, under a run's overlay, how its attempts ended). */
import type { Node, NodeProps } from "@xyflow/react";
import type { ScopeView } from "../protocol";
import type { NodeOverlay } from "./overlay";

export type ScopeData = { view: ScopeView; overlay?: NodeOverlay };
export type ScopeFlowNode = Node<ScopeData, "scope">;

export function ScopeNode(props: NodeProps<ScopeFlowNode>) {
  const { view, overlay } = props.data;
  const policy = view.spec["policy"] as { maxAttempts?: number } | undefined;
  const detail =
    view.type === "retry"
      ? `${policy?.maxAttempts ?? "?"} attempts`
      : typeof view.spec["isolation"] === "string"
        ? (view.spec["isolation"] as string)
        : "";
  const issues = view.findings.length + view.problems.length;
  return (
    <div
      className={`scope scope-${view.type} risk-${view.risk}${props.selected ? " selected" : ""}`}
      data-testid={`scope-${view.id}`}
      data-scope-type={view.type}
      data-risk={view.risk}
      data-state={overlay?.state}
    >
      <div className="scope-title">
        <span className="scope-kind">{view.type === "transaction" ? "Transaction" : "Retry"}</span>
        <span className="scope-id">{view.id}</span>
        {detail && <span className="scope-detail">{detail}</span>}
        {overlay && overlay.facts.length > 0 && <span className={`scope-trace state-${overlay.state}`}>{overlay.facts.join(" · ")}</span>}
        {!overlay && issues > 0 && (
          <span className="scope-issues" title={[...view.findings.map((f) => `${f.rule}: ${f.message}`), ...view.problems.map((p) => `${p.code}: ${p.message}`)].join("\n")}>
            {issues} issue{issues > 1 ? "s" : ""}
          </span>
        )}
      </div>
    </div>
  );
}
