/** What a proposal does to the app's risk, as the Risk Engine judged it: each tool's level before → after, the findings it adds, the migration it needs. */
import type { Proposal } from "../../protocol";
import { RiskBadge } from "../RiskBadge";
import { RiskMove } from "../RiskMove";

export function RiskChange(props: { risk: Proposal["risk"] }) {
  const { newFindings, migration } = props.risk;
  // A tool judged on neither side (it does not compile in a failed proposal) has no move to show.
  const tools = props.risk.tools.filter((t) => t.before !== null || t.after !== null);
  if (tools.length === 0 && newFindings.length === 0 && migration.length === 0) {
    return <p className="muted small">No tool's risk changes, no new finding, no migration.</p>;
  }
  return (
    <div className="risk-change" data-testid="risk-change">
      {tools.length > 0 && (
        <ul className="rows">
          {tools.map((t) => (
            <li key={t.tool} className="row" data-testid={`risk-tool-${t.tool}`} data-before={t.before ?? "none"} data-after={t.after ?? "none"}>
              <span className="row-main row-title">{t.tool}</span>
              <RiskMove before={t.before} after={t.after} />
            </li>
          ))}
        </ul>
      )}
      {newFindings.length > 0 && (
        <>
          <h4>New findings</h4>
          <ul className="issues">
            {newFindings.map((f, i) => (
              <li key={i} className={`issue risk-${f.level}`} data-testid={`new-finding-${f.rule}`}>
                <div className="issue-head">
                  <code className="rule">{f.rule}</code>
                  <span className="where">{f.tool}</span>
                </div>
                <div className="message">{f.message}</div>
              </li>
            ))}
          </ul>
        </>
      )}
      {migration.length > 0 && (
        <>
          <h4>Migration</h4>
          <ol className="migration-steps" data-testid="proposal-migration">
            {migration.map((step, i) => (
              <li key={i}>
                <RiskBadge risk={step.level} /> <span>{step.summary}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
