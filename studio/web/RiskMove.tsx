/** A tool's risk before → after a change; "new" or "gone" where the tool does not exist on that side. */
import type { Standing } from "../protocol";
import { RiskBadge } from "./RiskBadge";

export function RiskMove(props: { before: Standing | null; after: Standing | null }) {
  return (
    <span className="risk-move">
      {props.before ? <RiskBadge risk={props.before} /> : <span className="muted">new</span>}
      <span className="arrow">→</span>
      {props.after ? <RiskBadge risk={props.after} /> : <span className="muted">gone</span>}
    </span>
  );
}
