/** The invocation list: newest first, live, filtered by tool, outcome and caller; a row opens the invocation on its flow. */
import { useState } from "react";
import type { InvocationFilter } from "../../protocol";
import { href } from "../router";
import { useStudio } from "../store";
import { ChainBadge } from "./ChainBadge";
import { StatusBadge } from "./StatusBadge";
import { Table } from "./Table";
import { ms } from "./trace";
import { useInvocations } from "./useInvocations";

type Outcome = "" | "ok" | "error";

export function InvocationsPanel() {
  const tools = useStudio().summary?.tools.map((t) => t.name) ?? [];
  const [tool, setTool] = useState("");
  const [outcome, setOutcome] = useState<Outcome>("");
  const [callerDraft, setCallerDraft] = useState("");
  const [caller, setCaller] = useState("");
  const filter: InvocationFilter = { ...(tool ? { tool } : {}), ...(outcome ? { outcome } : {}), ...(caller ? { caller } : {}) };
  const list = useInvocations(filter);

  return (
    <section className="card wide invocations" data-testid="invocations">
      <div className="console-bar">
        <h2>Invocations</h2>
        <span className={list.error ? "live off" : "live"} data-testid="live" title={list.updatedAt ? `updated ${list.updatedAt.toLocaleTimeString()}` : ""}>
          {list.error ? "not live" : "live"}
        </span>
        <span className="spacer" />
        <ChainBadge />
      </div>
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setCaller(callerDraft.trim());
        }}
      >
        <label>
          Tool
          <select data-testid="filter-tool" value={tool} onChange={(e) => setTool(e.target.value)}>
            <option value="">all tools</option>
            {tools.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select data-testid="filter-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)}>
            <option value="">any</option>
            <option value="ok">ok (below 400)</option>
            <option value="error">error (400 and above)</option>
          </select>
        </label>
        <label>
          Caller
          <input data-testid="filter-caller" placeholder="the token's subject, exactly" value={callerDraft} onChange={(e) => setCallerDraft(e.target.value)} onBlur={() => setCaller(callerDraft.trim())} />
        </label>
      </form>
      {list.error && (
        <div className="console-error" role="alert" data-testid="console-error">
          {list.error}
        </div>
      )}
      <Table className="invocation-table" head={["#", "At", "Tool", "Trigger", "Caller", "Status", { label: "Duration", className: "num" }]}>
        {list.items.map((i) => (
          <tr
            key={i.seq}
            className="invocation-row"
            data-testid="invocation-row"
            data-invocation-id={i.invocationId}
            data-tool={i.tool}
            data-status={i.status}
            onClick={() => (window.location.hash = href({ page: "invocation", id: i.invocationId }))}
          >
            <td className="muted">{i.seq}</td>
            <td title={i.at}>{new Date(i.at).toLocaleTimeString()}</td>
            <td>
              <a href={href({ page: "invocation", id: i.invocationId })}>{i.tool}</a>
              {i.kind !== "invocation" && <span className="pill light">{i.kind}</span>}
            </td>
            <td className="muted">{i.trigger}</td>
            <td>
              <code>{i.callerId ?? "—"}</code>
            </td>
            <td>
              <StatusBadge status={i.status} code={i.code} />
            </td>
            <td className="num">{ms(i.durationMs)}</td>
          </tr>
        ))}
      </Table>
      {list.items.length === 0 && !list.loading && <p className="muted">{list.error ? "" : "No invocation matches yet: calls to the app appear here as they are made."}</p>}
      <div className="actions">
        {list.older && (
          <button data-testid="invocations-older" disabled={list.loading} onClick={list.loadOlder}>
            Older
          </button>
        )}
      </div>
    </section>
  );
}
