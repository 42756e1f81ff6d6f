/**
 * A proposal as the person judges it: valid (checked by the loader, compiler and Risk Engine) or
 * failed with the diagnostics that stopped it, its risk change, and each document's diff with
 * Accept / Reject (a failed proposal offers none).
 */
import type { Proposal } from "../../protocol";
import { DocumentDiff } from "./DocumentDiff";
import { RiskChange } from "./RiskChange";

export function ProposalCard(props: { proposal: Proposal; busy: boolean; onAccept(document: string): void; onReject(document: string): void }) {
  const p = props.proposal;
  const valid = p.status === "valid";
  return (
    <section className={`proposal status-${p.status}`} data-testid={`proposal-${p.id}`} data-status={p.status}>
      <div className="proposal-head">
        <span className={`badge ${valid ? "risk-green" : "risk-red"}`} data-testid="proposal-status">
          {valid ? "valid" : "failed"}
        </span>
        <span className="muted small">
          {p.documents.length} document{p.documents.length === 1 ? "" : "s"} · checked in {p.rounds} round{p.rounds === 1 ? "" : "s"}
        </span>
      </div>
      {p.failure && <p className="bad proposal-failure">{p.failure}</p>}
      {p.diagnostics.length > 0 && (
        <ul className="issues" data-testid="proposal-diagnostics">
          {p.diagnostics.map((d, i) => (
            <li key={i} className="issue risk-invalid" data-testid="proposal-diagnostic">
              <div className="issue-head">
                {d.code && <code className="rule">{d.code}</code>}
                <span className="where">
                  {d.file}
                  {d.line !== undefined ? `:${d.line}` : ""}
                  {d.path ? ` · ${d.path}` : ""}
                </span>
              </div>
              <div className="message">{d.message}</div>
            </li>
          ))}
        </ul>
      )}
      <h4>Risk change</h4>
      <RiskChange risk={p.risk} />
      {p.documents.length > 0 && <h4>Documents</h4>}
      {p.documents.map((d) => (
        <DocumentDiff
          key={d.id}
          document={d}
          acceptable={valid}
          busy={props.busy}
          onAccept={() => props.onAccept(d.id)}
          onReject={() => props.onReject(d.id)}
        />
      ))}
    </section>
  );
}
