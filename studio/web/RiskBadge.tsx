/** A risk level as a small coloured pill, optionally with a count. */
import type { Standing } from "../protocol";
import { RISK_LABEL } from "./risk";

export function RiskBadge(props: { risk: Standing; count?: number; testId?: string }) {
  return (
    <span className={`badge risk-${props.risk}`} data-risk={props.risk} data-testid={props.testId}>
      {props.count !== undefined ? `${props.count} ${RISK_LABEL[props.risk]}` : RISK_LABEL[props.risk]}
    </span>
  );
}
