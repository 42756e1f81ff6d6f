/**
 * A flow node on the canvas: its type, id and what it does, coloured by its worst finding, with every
 * finding and problem on it; or, under a run's overlay (the Console), coloured by what the run did
 * there, with its timings in place of the findings.
 */
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import type { Change, FlowNodeView } from "../protocol";
import { branchOutcomes, nodeLine, TYPE_GLYPH } from "./nodeText";
import type { NodeOverlay } from "./overlay";
import { RISK_LABEL } from "./risk";

export type StepData = { view: FlowNodeView; change?: Change; overlay?: NodeOverlay };
export type StepFlowNode = Node<StepData, "step">;

export const STEP_WIDTH = 240;

export function StepNode(props: NodeProps<StepFlowNode>) {
  const { view, change, overlay } = props.data;
  const outcomes = branchOutcomes(view.spec);
  const line = nodeLine(view.spec);
  const look = overlay ? `state-${overlay.state}` : `risk-${view.risk}`;
  return (
    <div
      className={`step ${look}${props.selected ? " selected" : ""}${change ? ` change-${change}` : ""}`}
      data-testid={`node-${view.id}`}
      data-risk={view.risk}
      data-state={overlay?.state}
      data-change={change}
      data-type={view.type}
      style={{ width: STEP_WIDTH }}
    >
      <Handle type="target" position={Position.Left} className="handle" />
      <div className="step-head">
        <span className="glyph" title={view.type}>
          {TYPE_GLYPH[view.type] ?? "•"}
        </span>
        <span className="step-id">{view.id}</span>
        <span className="step-type">{view.type}</span>
        {view.step !== null && !overlay && (
          <span className="step-no" title="Position in the plan's run order">
            #{view.step + 1}
          </span>
        )}
        {overlay ? (
          <span className={`state-tag state-${overlay.state}`}>{overlay.state}</span>
        ) : (
          <span className={`dot risk-${view.risk}`} title={RISK_LABEL[view.risk]} />
        )}
      </div>
      {line && (
        <div className="step-line" title={line}>
          {line}
        </div>
      )}
      {overlay ? (
        overlay.facts.length > 0 && (
          <ul className="step-trace" data-testid={`node-trace-${view.id}`}>
            {overlay.facts.map((fact, i) => (
              <li key={i}>{fact}</li>
            ))}
          </ul>
        )
      ) : (view.findings.length > 0 || view.problems.length > 0) && (
        <ul className="step-issues">
          {view.problems.map((p, i) => (
            <li key={`p${i}`} className="risk-invalid" data-testid={`node-problem-${p.code}`}>
              <span className="rule">{p.code}</span> {p.message}
              {p.hint && <div className="hint">{p.hint}</div>}
            </li>
          ))}
          {view.findings.map((f, i) => (
            <li key={`f${i}`} className={`risk-${f.level}${f.acknowledged ? " acknowledged" : ""}`} data-testid={`node-finding-${f.rule}`}>
              <span className="rule">{f.rule}</span> {f.message}
              {f.hint && <div className="hint">{f.hint}</div>}
            </li>
          ))}
        </ul>
      )}
      {outcomes ? (
        <div className="outcomes">
          {outcomes.map((o) => (
            <div key={o.label} className="outcome">
              <span>{o.label}</span>
              <Handle type="source" id={o.label} position={Position.Right} className="handle" />
            </div>
          ))}
        </div>
      ) : (
        <Handle type="source" position={Position.Right} className="handle" />
      )}
    </div>
  );
}

/** The height a node will have, before the browser measured it (the layout's first guess). */
export function estimateHeight(view: FlowNodeView): number {
  const lines = (text: string, perLine: number) => Math.max(1, Math.ceil(text.length / perLine));
  let height = 40 + (nodeLine(view.spec) ? 22 : 0);
  const issues = [...view.findings.map((f) => [f.message, f.hint] as const), ...view.problems.map((p) => [p.message, p.hint ?? ""] as const)];
  if (issues.length) height += 10;
  for (const [message, hint] of issues) height += 8 + lines(message, 32) * 17 + (hint ? lines(hint, 36) * 15 : 0);
  const outcomes = branchOutcomes(view.spec);
  if (outcomes) height += 6 + outcomes.length * 22;
  return height;
}
