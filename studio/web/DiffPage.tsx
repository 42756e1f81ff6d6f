/** The app in the studio against the version given by --from: what changed, and how risk and the migration move. */
import { useEffect, useState } from "react";
import type { Change, DiffView } from "../protocol";
import { api } from "./api";
import { href } from "./router";
import { RiskMove } from "./RiskMove";
import { useStudio } from "./store";

export function DiffPage() {
  const revision = useStudio().summary!.edits.revision;
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    api.diff().then(setDiff, (e: Error) => setFailure(e.message));
  }, [revision]);
  if (!diff) return <div className="empty">{failure ? `No comparison: ${failure}` : "Comparing…"}</div>;
  return (
    <div className="diff-page" data-testid="diff-page">
      <div className="tool-title">
        <h1>Changes</h1>
        <span className="muted">
          against <code>{diff.from}</code>
        </span>
      </div>
      <div className="entity-grid">
        <section className="card">
          <h2>Tools</h2>
          {diff.tools.length === 0 ? (
            <p className="muted">No tool changed.</p>
          ) : (
            <ul className="rows">
              {diff.tools.map((t) => (
                <li key={t.name} className="row static" data-testid={`diff-tool-${t.name}`} data-change={t.change}>
                  <ChangeTag change={t.change} />
                  <span className="row-main">
                    <a className="row-title" href={href({ page: "tool", name: t.name })}>
                      {t.name}
                    </a>
                    <span className="row-sub">
                      {t.nodes.length ? t.nodes.map((n) => `${n.id} ${n.change}`).join(", ") : "no node changed"}
                    </span>
                  </span>
                  <RiskMove before={t.before} after={t.after} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card">
          <h2>Entities</h2>
          {diff.entities.length === 0 ? (
            <p className="muted">No entity changed.</p>
          ) : (
            <ul className="rows">
              {diff.entities.map((e) => (
                <li key={e.name} className="row static" data-testid={`diff-entity-${e.name}`} data-change={e.change}>
                  <ChangeTag change={e.change} />
                  <span className="row-main">
                    <a className="row-title" href={href({ page: "entity", name: e.name })}>
                      {e.name}
                    </a>
                    <span className="row-sub">{e.fields.map((f) => `${f.name} ${f.change}`).join(", ") || "no field changed"}</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card wide" data-testid="diff-migration">
          <h2>Migration</h2>
          {diff.migration.error && <p className="bad">{diff.migration.error}</p>}
          {diff.migration.steps.length === 0 ? (
            <p className="muted">No schema change.</p>
          ) : (
            <ol className="migration">
              {diff.migration.steps.map((s, i) => (
                <li key={i}>
                  <div>{s.summary}</div>
                  <pre className="sql">{s.sql.join("\n")}</pre>
                </li>
              ))}
            </ol>
          )}
          {diff.migration.findings.length > 0 && (
            <ul className="issues">
              {diff.migration.findings.map((f, i) => (
                <li key={i} className={`issue risk-${f.level}`}>
                  <div className="issue-head">
                    <code className="rule">{f.rule}</code>
                  </div>
                  <div className="message">{f.message}</div>
                  {f.hint && <div className="hint">{f.hint}</div>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

function ChangeTag(props: { change: Change }) {
  return <span className={`change-tag change-${props.change}`}>{props.change}</span>;
}
