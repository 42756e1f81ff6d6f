/** A response status as a badge: 2xx/3xx green, 4xx (the caller's) yellow, 5xx (ours) red. */
export function StatusBadge(props: { status: number; code?: string }) {
  const tone = props.status < 400 ? "risk-green" : props.status < 500 ? "risk-yellow" : "risk-red";
  return (
    <span className={`badge ${tone}`} data-testid="status-badge" data-status={props.status}>
      {props.status}
      {props.code ? ` ${props.code}` : ""}
    </span>
  );
}
