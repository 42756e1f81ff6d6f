/** A run's nodes as a waterfall: each bar starts at the node's offset and lasts its duration, against the whole invocation. */
import type { FlowTrace } from "../../protocol";
import { ms } from "./trace";

export function Timeline(props: { trace: FlowTrace; durationMs: number }) {
  const ran = props.trace.n.filter((n) => n.t !== undefined);
  const end = Math.max(props.durationMs, ...ran.map((n) => (n.t ?? 0) + (n.d ?? 0)), 1);
  const percent = (value: number) => `${((value / end) * 100).toFixed(2)}%`;
  return (
    <ol className="timeline" data-testid="timeline">
      {props.trace.n.map((n) => (
        <li key={n.id} className={`state-${n.s}`} data-node={n.id} data-state={n.s}>
          <span className="timeline-id">{n.id}</span>
          <span className="timeline-track">
            {n.t !== undefined && <span className="timeline-bar" style={{ left: percent(n.t), width: `max(2px, ${percent(n.d ?? 0)})` }} />}
          </span>
          <span className="timeline-time">{n.d !== undefined ? ms(n.d) : n.s}</span>
        </li>
      ))}
    </ol>
  );
}
