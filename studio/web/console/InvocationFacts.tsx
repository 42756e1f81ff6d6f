/** The side panel of one invocation: its response, caller, timeline, transactions, effects, compensations, input (masked as stored) and record. */
import type { ReactNode } from "react";
import type { InvocationDetail } from "../../protocol";
import { StatusBadge } from "./StatusBadge";
import { Timeline } from "./Timeline";
import { ms } from "./trace";

export function InvocationFacts(props: { detail: InvocationDetail }) {
  const d = props.detail;
  return (
    <div className="facts invocation-facts" data-testid="invocation-facts">
      <Fact label="Response">
        <StatusBadge status={d.status} code={d.code} /> <span className="muted">in {ms(d.durationMs)}</span>
      </Fact>
      <Fact label="At">{new Date(d.at).toLocaleString()}</Fact>
      <Fact label="Trigger">
        {d.trigger} <span className="pill light">{d.kind}</span>
      </Fact>
      <Fact label="Caller">
        <code>{d.callerId ?? "anonymous"}</code> {d.callerRoles.map((r) => <span key={r} className="pill">{r}</span>)}
      </Fact>
      {d.replayOf && <Fact label="Replay of">{d.replayOf}</Fact>}
      {d.delivery && (
        <Fact label="Delivery">
          outbox {d.delivery.outboxId} of {d.delivery.of}, {d.delivery.attempts} attempt{d.delivery.attempts === 1 ? "" : "s"}
          {d.delivery.error && <div className="bad">{d.delivery.error}</div>}
        </Fact>
      )}

      {d.trace ? (
        <>
          <h4>Timeline</h4>
          <Timeline trace={d.trace} durationMs={d.durationMs} />
        </>
      ) : (
        <p className="muted">This record carries no trace: replays, deliveries, aggregates and calls refused before the tool ran have none.</p>
      )}

      {(d.trace?.x?.length ?? 0) > 0 && (
        <List title="Transactions" testId="transactions">
          {d.trace!.x!.map((x, i) => (
            <li key={i} className={`state-${x.e}`}>
              <code>{x.id}</code> {x.e === "commit" ? "committed" : x.e === "rollback" ? "rolled back" : "commit failed"} · {ms(x.d)} at +{ms(x.t)}
            </li>
          ))}
        </List>
      )}
      {(d.trace?.r?.length ?? 0) > 0 && (
        <List title="Retry scopes" testId="retry-scopes">
          {d.trace!.r!.map((r) => (
            <li key={r.id}>
              <code>{r.id}</code> {r.a} attempt{r.a === 1 ? "" : "s"}
            </li>
          ))}
        </List>
      )}
      {d.compensations.length > 0 && (
        <List title="Compensations" testId="compensations">
          {d.compensations.map((c, i) => (
            <li key={i} className={c.ok ? "state-ran" : "state-failed"}>
              <code>{c.node}</code> {c.kind} {c.id} {c.ok ? "undone" : `failed: ${c.error ?? "unknown error"}`}
            </li>
          ))}
        </List>
      )}
      {d.effects.length > 0 && (
        <List title="Effects" testId="effects">
          {d.effects.map((e, i) => (
            <li key={i}>
              <code>{e.node}</code> {e.kind} {e.id}
              {e.amount !== undefined ? ` (${e.amount})` : ""}
            </li>
          ))}
        </List>
      )}
      {(d.queued?.length ?? 0) > 0 && (
        <List title="Queued after commit" testId="queued">
          {d.queued!.map((q) => (
            <li key={q.outboxId}>
              <code>{q.node}</code> {q.kind} · outbox {q.outboxId}
            </li>
          ))}
        </List>
      )}
      {d.rowsChanged.length > 0 && (
        <List title="Rows changed" testId="rows-changed">
          {d.rowsChanged.map((r, i) => (
            <li key={i}>
              {r.action} <code>{r.entity}</code> {r.id}
            </li>
          ))}
        </List>
      )}
      <h4>Input (as the audit record keeps it: pii masked)</h4>
      <pre className="sql wrap" data-testid="invocation-input">
        {JSON.stringify(d.input, null, 2)}
      </pre>
      <h4>Record</h4>
      <Fact label="Seq">#{d.seq}</Fact>
      <Fact label="Chain">
        {d.chain} · record #{d.chainSeq}
      </Fact>
      <Fact label="Hash">
        <code className="hash">{d.hash}</code>
      </Fact>
      <Fact label="Previous">
        <code className="hash">{d.prevHash}</code>
      </Fact>
      <Fact label="Plan hash">
        <code className="hash">{d.planHash}</code>
      </Fact>
    </div>
  );
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <span className="fact-label">{props.label}</span>
      <span>{props.children}</span>
    </div>
  );
}

function List(props: { title: string; testId: string; children: ReactNode }) {
  return (
    <>
      <h4>{props.title}</h4>
      <ul className="plain trace-list" data-testid={props.testId}>
        {props.children}
      </ul>
    </>
  );
}
