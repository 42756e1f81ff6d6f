/** An entity: its fields, relationships, status machine (as a state diagram) and invariants with where each is enforced. */
import { useEffect, useMemo, useState } from "react";
import type { EntityView } from "../protocol";
import { api } from "./api";
import { Diagram } from "./Diagram";
import { ProblemList } from "./Problems";
import { href } from "./router";
import { useStudio } from "./store";

export function EntityPage(props: { name: string }) {
  const revision = useStudio().summary!.edits.revision;
  const [view, setView] = useState<EntityView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    api.entity(props.name).then(setView, (e: Error) => setFailure(e.message));
  }, [props.name, revision]);
  if (!view) return <div className="empty">{failure ? `This entity cannot be shown: ${failure}` : `Loading ${props.name}…`}</div>;
  const relations = view.fields.filter((f) => f.references);
  return (
    <div className="entity-page" data-testid="entity-page" data-entity={view.name}>
      <div className="tool-title">
        <h1>{view.name}</h1>
        <code className="muted">{view.file}</code>
      </div>
      <div className="entity-grid">
        <section className="card">
          <h2>
            Fields <span className="count">{view.fields.length}</span>
          </h2>
          <table className="table" data-testid="entity-fields">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th />
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {view.fields.map((f) => (
                <tr key={f.name} data-testid={`field-row-${f.name}`}>
                  <td>
                    <strong>{f.name}</strong>
                  </td>
                  <td>
                    <code>{f.type}</code>
                    {f.references && (
                      <>
                        {" → "}
                        <a href={href({ page: "entity", name: f.references })}>{f.references}</a>
                      </>
                    )}
                  </td>
                  <td className="flags">
                    {f.required ? <span className="pill">required</span> : <span className="pill light">optional</span>}
                    {f.unique && <span className="pill">unique</span>}
                  </td>
                  <td className="muted">{f.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2>Status machine</h2>
          {view.status ? <StateDiagram status={view.status} /> : <p className="muted">No status field: rows of {view.name} have no life cycle.</p>}
          <h2 className="second">Relationships</h2>
          {relations.length === 0 ? (
            <p className="muted">{view.name} points to no other entity.</p>
          ) : (
            <ul className="plain" data-testid="entity-relations">
              {relations.map((f) => (
                <li key={f.name}>
                  <strong>{f.name}</strong> → <a href={href({ page: "entity", name: f.references! })}>{f.references}</a>{" "}
                  <span className="muted">{f.required ? "required" : "optional"}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card wide">
          <h2>
            Invariants <span className="count">{view.invariants.length}</span>
          </h2>
          {view.invariants.length === 0 ? (
            <p className="muted">No invariants.</p>
          ) : (
            <table className="table" data-testid="entity-invariants">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Rule</th>
                  <th>Enforced by</th>
                </tr>
              </thead>
              <tbody>
                {view.invariants.map((inv) => (
                  <tr key={inv.name}>
                    <td>
                      <strong>{inv.name}</strong>
                    </td>
                    <td>
                      <code className="expr">{inv.expression}</code>
                    </td>
                    <td>
                      <span className={`pill enforced-${inv.enforcedBy}`} data-testid={`enforced-${inv.name}`}>
                        {inv.enforcedBy === "check" ? "CHECK constraint" : "executor"}
                      </span>
                      <div className="fact-sub">{inv.why}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card wide">
          <details>
            <summary>
              <strong>YAML</strong> <span className="muted">{view.file}</span>
            </summary>
            <pre className="sql" data-testid="entity-yaml">
              {view.yaml}
            </pre>
          </details>
        </section>
        {view.problems.length > 0 && (
          <section className="card wide">
            <h2>Problems</h2>
            <ProblemList problems={view.problems} />
          </section>
        )}
      </div>
    </div>
  );
}

function StateDiagram(props: { status: NonNullable<EntityView["status"]> }) {
  const { status } = props;
  const boxes = useMemo(
    () =>
      status.states.map((s) => ({
        id: s,
        label: s,
        sub: s === status.initial ? "initial" : status.transitions.some((t) => t.from === s) ? undefined : "final",
        className: s === status.initial ? "state initial" : "state",
        testId: `state-${s}`,
      })),
    [status],
  );
  const links = useMemo(() => status.transitions.map((t) => ({ from: t.from, to: t.to, label: t.label })), [status]);
  return (
    <div data-testid="state-diagram" data-field={status.field}>
      <Diagram boxes={boxes} links={links} height={260} />
      <p className="muted small">
        Field <code>{status.field}</code>, {status.states.length} states, {status.transitions.length} transitions.
      </p>
    </div>
  );
}
