/** The compiled plan beside the canvas: concurrency strategy, deadline, idempotency, retry budgets and the step order. */
import type { ReactNode } from "react";
import type { ToolView } from "../protocol";
import { RiskBadge } from "./RiskBadge";

export function PlanPanel(props: { view: ToolView; onSelect(id: string): void }) {
  const { view } = props;
  const plan = view.plan;
  return (
    <div className="plan" data-testid="plan">
      <div className="facts">
        <Fact label="Risk">
          <RiskBadge risk={view.risk} testId="tool-risk" />
          {!view.deployable && <span className="bad"> not deployable</span>}
        </Fact>
        {plan ? (
          <>
            <Fact label="Concurrency" testId="plan-strategy">
              <strong>{STRATEGY[plan.concurrency.strategy] ?? plan.concurrency.strategy}</strong>
              <div className="fact-sub">{plan.concurrency.reason}</div>
            </Fact>
            <Fact label="Deadline" testId="plan-deadline">
              {ms(plan.deadline.ms)} <span className="muted">({plan.deadline.source === "tool" ? "the tool's timeout" : "default"})</span>
            </Fact>
            <Fact label="Idempotency" testId="plan-idempotency">
              {plan.idempotency}
            </Fact>
          </>
        ) : (
          <p className="muted">No plan: the tool does not compile until the problems in its file are fixed.</p>
        )}
      </div>
      {plan && plan.concurrency.measures.some((m) => m.reason !== plan.concurrency.reason) && (
        <section>
          <h4>Concurrency measures</h4>
          <ul className="plain">
            {plan.concurrency.measures.map((m, i) => (
              <li key={i}>
                <strong>{STRATEGY[m.strategy]}</strong> on {m.nodes.join(", ")}
                <div className="fact-sub">{m.reason}</div>
              </li>
            ))}
          </ul>
        </section>
      )}
      {plan && (
        <section data-testid="plan-budgets">
          <h4>Retry budgets</h4>
          {budgets(view).length === 0 ? (
            <p className="muted">No external calls and no retry scopes.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Node / scope</th>
                  <th>Attempts</th>
                  <th>Per attempt</th>
                  <th>Worst case</th>
                </tr>
              </thead>
              <tbody>
                {budgets(view).map((b) => (
                  <tr key={b.id}>
                    <td>
                      <button className="link" onClick={() => props.onSelect(b.id)}>
                        {b.id}
                      </button>
                      {b.note && <span className="muted"> {b.note}</span>}
                    </td>
                    <td>{b.attempts}</td>
                    <td>{b.perAttempt}</td>
                    <td>{b.worst}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {plan && (
        <section>
          <h4>Step order</h4>
          <ol className="steps" data-testid="plan-steps">
            {plan.steps.map((step, i) => {
              const depth = plan.steps.slice(0, i).reduce((d, s) => d + (s.op === "begin" || s.op === "retryStart" ? 1 : s.op === "commit" || s.op === "retryEnd" ? -1 : 0), 0);
              const indent = step.op === "commit" || step.op === "retryEnd" ? depth - 1 : depth;
              return (
                <li key={i} style={{ paddingLeft: 8 + indent * 16 }} className={`step-${step.op}`}>
                  {step.op === "run" ? (
                    <button className="link" onClick={() => props.onSelect(step.node)}>
                      {step.node}
                    </button>
                  ) : (
                    <span className="muted">
                      {step.op === "begin"
                        ? `begin ${step.transaction}`
                        : step.op === "commit"
                          ? `commit ${step.transaction}`
                          : step.op === "retryStart"
                            ? `retry ${step.scope} {`
                            : `} ${step.scope}`}
                    </span>
                  )}
                </li>
              );
            })}
          </ol>
        </section>
      )}
    </div>
  );
}

const STRATEGY: Record<string, string> = {
  serializableRetry: "Serializable + retry",
  rowLock: "Row lock",
  optimisticVersion: "Optimistic version check",
  none: "None needed",
};

function Fact(props: { label: string; testId?: string; children: ReactNode }) {
  return (
    <div className="fact" data-testid={props.testId}>
      <div className="fact-label">{props.label}</div>
      <div className="fact-value">{props.children}</div>
    </div>
  );
}

function budgets(view: ToolView): { id: string; attempts: number; perAttempt: string; worst: string; note?: string }[] {
  const plan = view.plan;
  if (!plan) return [];
  const rows: { id: string; attempts: number; perAttempt: string; worst: string; note?: string }[] = [];
  for (const node of Object.values(plan.nodes))
    if (node.external)
      rows.push({
        id: node.id,
        attempts: node.external.maxAttempts,
        perAttempt: ms(node.external.attemptTimeoutMs),
        worst: ms(node.external.budgetMs),
        note: node.external.runs === "afterCommit" ? "(outbox)" : undefined,
      });
  for (const scope of plan.retryScopes)
    rows.push({ id: scope.id, attempts: scope.policy.maxAttempts, perAttempt: "—", worst: `backoff ≤ ${ms(scope.policy.maxIntervalMs)}`, note: "(scope)" });
  return rows;
}

export function ms(value: number): string {
  if (value >= 60_000 && value % 60_000 === 0) return `${value / 60_000} min`;
  if (value >= 1000) return `${+(value / 1000).toFixed(2)} s`;
  return `${value} ms`;
}
