/**
 * One invocation drawn on its tool's flow: each node in the state the run left it (ran, skipped by
 * a branch, failed, unreached, queued), with its timings and attempts; the transactions' and retry
 * scopes' outcomes on their boxes; the response, the chain's verdict, and the record beside it.
 * The flow is the studio's (the specs as they stand in the editor): when its nodes are not the ones
 * the trace names, the page says so rather than drawing a run on a flow it did not take.
 */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useMemo, useState } from "react";
import type { InvocationDetail, ToolView } from "../../protocol";
import { api } from "../api";
import { FlowCanvas } from "../FlowCanvas";
import { href } from "../router";
import { consoleApi } from "./api";
import { ChainBadge } from "./ChainBadge";
import { InvocationFacts } from "./InvocationFacts";
import { StatusBadge } from "./StatusBadge";
import { ms, traceOverlay } from "./trace";

const NOTHING_SELECTED: ReadonlySet<string> = new Set();
const LEGEND = ["ran", "failed", "queued", "skipped", "unreached"] as const;

export function InvocationPage(props: { id: string }) {
  const [detail, setDetail] = useState<InvocationDetail | null>(null);
  const [view, setView] = useState<ToolView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    consoleApi.invocation(props.id).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        api.tool(d.tool).then(
          (v) => live && setView(v),
          (e: Error) => live && setFailure(`the studio has no tool "${d.tool}" to draw the run on (${e.message})`),
        );
      },
      (e: Error) => live && setFailure(e.message),
    );
    return () => {
      live = false;
    };
  }, [props.id]);

  const overlay = useMemo(() => (detail?.trace ? traceOverlay(detail.trace) : undefined), [detail]);
  const drift = useMemo(() => flowDrift(view, detail), [view, detail]);

  if (!detail) return <div className="empty">{failure ? `This invocation cannot be shown: ${failure}` : `Loading invocation ${props.id}…`}</div>;

  return (
    <div className="invocation-page" data-testid="invocation-page" data-tool={detail.tool} data-status={detail.status}>
      <section className="canvas-wrap">
        <div className="tool-title">
          <a href={href({ page: "console", panel: "invocations" })}>← Invocations</a>
          <h1>{detail.tool}</h1>
          <StatusBadge status={detail.status} code={detail.code} />
          <span className="muted">
            {new Date(detail.at).toLocaleString()} · {ms(detail.durationMs)} · {detail.callerId ?? "anonymous"}
          </span>
          <span className="spacer" />
          <ChainBadge />
        </div>
        {drift && (
          <div className="tool-issues">
            <div className="tool-issue risk-yellow" data-testid="flow-drift">
              {drift}
            </div>
          </div>
        )}
        {failure && <div className="empty">{failure}</div>}
        {view && (
          <ReactFlowProvider>
            <FlowCanvas view={view} selected={NOTHING_SELECTED} overlay={overlay} toolbar={overlay ? <Legend /> : undefined} />
          </ReactFlowProvider>
        )}
      </section>
      <aside className="side">
        <div className="side-body">
          <InvocationFacts detail={detail} />
        </div>
      </aside>
    </div>
  );
}

function Legend() {
  return (
    <div className="toolbar legend" data-testid="trace-legend">
      {LEGEND.map((state) => (
        <span key={state} className={`state-tag state-${state}`}>
          {state}
        </span>
      ))}
    </div>
  );
}

/** Why the studio's flow may not be the one the run took: nodes one names and the other does not. */
function flowDrift(view: ToolView | null, detail: InvocationDetail | null): string | null {
  if (!view || !detail?.trace) return null;
  const drawn = new Set(view.nodes.map((n) => n.id));
  const traced = new Set(detail.trace.n.map((n) => n.id));
  const untraced = [...drawn].filter((id) => !traced.has(id));
  const undrawn = [...traced].filter((id) => !drawn.has(id));
  if (untraced.length === 0 && undrawn.length === 0) return null;
  const parts = [
    untraced.length ? `not in the run: ${untraced.join(", ")}` : "",
    undrawn.length ? `in the run but not in the studio's flow: ${undrawn.join(", ")}` : "",
  ].filter(Boolean);
  return `The tool in the studio differs from the one this run was traced on (plan ${detail.planHash.slice(0, 12)}): ${parts.join("; ")}.`;
}
