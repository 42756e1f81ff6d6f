/** Loader diagnostics and Risk Engine findings as lists. */
import type { RiskFinding, SpecProblem } from "../protocol";

export function ProblemList(props: { problems: SpecProblem[]; empty?: string }) {
  if (props.problems.length === 0) return <p className="muted">{props.empty ?? "No problems."}</p>;
  return (
    <ul className="issues" data-testid="problems">
      {props.problems.map((p, i) => (
        <li key={i} className="issue risk-invalid">
          <div className="issue-head">
            <code className="rule">{p.code}</code>
            <span className="where">
              {p.file}:{p.line}:{p.col}
              {p.node ? ` · ${p.node}` : ""}
            </span>
          </div>
          <div className="message">{p.message}</div>
          {p.hint && <div className="hint">{p.hint}</div>}
        </li>
      ))}
    </ul>
  );
}

export function FindingList(props: { findings: RiskFinding[]; onSelect?: (node: string) => void }) {
  if (props.findings.length === 0) return <p className="muted">No findings: nothing the Risk Engine objects to.</p>;
  return (
    <ul className="issues" data-testid="findings">
      {props.findings.map((f, i) => (
        <li key={i} className={`issue risk-${f.level}`} data-testid={`finding-${f.rule}`} data-node={f.node}>
          <div className="issue-head">
            <code className="rule">{f.rule}</code>
            {f.node ? (
              <button className="link where" onClick={() => props.onSelect?.(f.node!)}>
                {f.node}
              </button>
            ) : (
              <span className="where">whole tool</span>
            )}
            {f.acknowledged && <span className="ack">acknowledged</span>}
          </div>
          <div className="message">{f.message}</div>
          {f.hint && <div className="hint">{f.hint}</div>}
        </li>
      ))}
    </ul>
  );
}
