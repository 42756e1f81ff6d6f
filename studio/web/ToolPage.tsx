/**
 * A tool: palette, canvas and side panel (inspector, plan, findings, YAML). Every edit goes to the
 * server; its answer carries the new summary, whose revision makes this page fetch the tool again.
 */
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Change, DiffView, Edit, ToolView } from "../protocol";
import { api } from "./api";
import { copyNodes, pasted } from "./clipboard";
import { FlowCanvas, type CanvasIntents } from "./FlowCanvas";
import { NewNodeForm, NodeInspector, ScopeInspector } from "./Inspector";
import type { Point } from "./layout";
import { Palette } from "./Palette";
import { loadPins, savePins, type Pins } from "./pins";
import { PlanPanel } from "./PlanPanel";
import { FindingList, ProblemList } from "./Problems";
import { RiskBadge } from "./RiskBadge";
import { typingIn, useStudio } from "./store";
import { ToolIssues } from "./ToolIssues";
import { YamlView } from "./YamlView";
import { edgeKey } from "./edgeKey";

type Tab = "inspect" | "plan" | "findings" | "yaml";

export function ToolPage(props: { name: string }) {
  const studio = useStudio();
  const summary = studio.summary!;
  const revision = summary.edits.revision;
  const [view, setView] = useState<ToolView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [draft, setDraft] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>("plan");
  const [pins, setPins] = useState<Pins>(() => loadPins(summary.dir, props.name));
  const [layoutNonce, setLayoutNonce] = useState(0);
  const [focus, setFocus] = useState<{ id: string; nonce: number } | null>(null);
  const show = useCallback((id: string) => setFocus((f) => ({ id, nonce: (f?.nonce ?? 0) + 1 })), []);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    api.tool(props.name).then(
      (v) => {
        if (ticket !== latest.current) return;
        setView(v);
        setFailure(null);
      },
      (e: Error) => ticket === latest.current && setFailure(e.message),
    );
  }, [props.name, revision]);

  useEffect(() => {
    if (summary.diff) api.diff().then(setDiff, () => setDiff(null));
  }, [summary.diff, revision]);

  const changes = useMemo(() => {
    const tool = diff?.tools.find((t) => t.name === props.name);
    return tool ? Object.fromEntries(tool.nodes.map((n) => [n.id, n.change])) : undefined;
  }, [diff, props.name]) as Record<string, Change> | undefined;

  const edit = useCallback(async (e: Edit) => studio.edit(e), [studio]);

  const select = useCallback((ids: string[]) => {
    setSelected(new Set(ids));
    setDraft(null);
    if (ids.length === 1) setTab("inspect");
  }, []);

  const intents = useMemo<CanvasIntents>(
    () => ({
      select,
      connect: (from, to, when) => void edit({ op: "connect", tool: props.name, from, to, ...(when !== undefined ? { when } : {}) }),
      remove: async (nodes, scopes, edges) => {
        if (nodes.length) await edit({ op: "removeNodes", tool: props.name, ids: nodes });
        for (const scope of scopes) await edit({ op: "ungroup", tool: props.name, id: scope });
        for (const e of edges) await edit({ op: "disconnect", tool: props.name, from: e.from, to: e.to });
        setSelected(new Set());
      },
      pin: (id: string, at: Point) =>
        setPins((current) => {
          const next = { ...current, [id]: { x: Math.round(at.x), y: Math.round(at.y) } };
          savePins(summary.dir, props.name, next);
          return next;
        }),
    }),
    [edit, select, props.name, summary.dir],
  );

  const nodeIds = useMemo(() => new Set(view?.nodes.map((n) => n.id)), [view]);
  const scopeIds = useMemo(() => new Set(view?.scopes.map((s) => s.id)), [view]);
  const selectedNodes = [...selected].filter((id) => nodeIds.has(id));
  const selectedScopes = [...selected].filter((id) => scopeIds.has(id));
  const selectedEdges = view?.edges.filter((e) => selected.has(edgeKey(e, view.edges))) ?? [];

  const group = async (scope: "transaction" | "retry") => {
    const ids = [...selectedNodes, ...selectedScopes];
    if (ids.length === 0) return;
    const answer = await edit({ op: "group", tool: props.name, ids, scope });
    if (answer) setSelected(new Set());
    if (answer?.ids?.[0]) show(answer.ids[0]);
  };
  const removeSelected = () => void intents.remove(selectedNodes, selectedScopes, selectedEdges);
  const copy = (): boolean => !!view && copyNodes(view, selectedNodes) !== null;
  const paste = async () => {
    const copied = pasted();
    if (!copied) return;
    const answer = await edit({ op: "paste", tool: props.name, nodes: copied.nodes, edges: copied.edges });
    if (answer?.ids) {
      setSelected(new Set(answer.ids));
      if (answer.ids[0]) show(answer.ids[0]);
    }
  };

  // Ctrl+C / Ctrl+V on the canvas (text fields keep theirs); Escape clears the selection.
  const keys = useRef({ copy, paste, clear: () => setSelected(new Set()) });
  keys.current = { copy, paste, clear: () => setSelected(new Set()) };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingIn(event.target)) return;
      if (event.key === "Escape") keys.current.clear();
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      // Text selected on the page (a finding, the plan) is copied as text, as anywhere else.
      const textSelected = (window.getSelection()?.toString() ?? "") !== "";
      if (key === "c" && !textSelected && keys.current.copy()) event.preventDefault();
      else if (key === "v" && pasted()) {
        event.preventDefault();
        void keys.current.paste();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (failure && !view) return <div className="empty">This tool cannot be shown: {failure}</div>;
  if (!view) return <div className="empty">Loading {props.name}…</div>;

  const single = selectedNodes.length === 1 && selected.size === 1 ? view.nodes.find((n) => n.id === selectedNodes[0]) : undefined;
  const scope = selectedScopes.length === 1 && selected.size === 1 ? view.scopes.find((s) => s.id === selectedScopes[0]) : undefined;
  const canGroup = selectedNodes.length + selectedScopes.length > 0;
  const pinned = Object.keys(pins).filter((id) => nodeIds.has(id)).length;

  const toolbar = (
    <div className="toolbar" data-testid="toolbar">
      <button data-testid="group-transaction" disabled={!canGroup} onClick={() => void group("transaction")} title="Wrap the selected nodes in a transaction">
        ▣ Transaction
      </button>
      <button data-testid="group-retry" disabled={!canGroup} onClick={() => void group("retry")} title="Wrap the selected nodes in a retry scope">
        ↻ Retry
      </button>
      <button data-testid="ungroup-selected" disabled={!scope} onClick={() => scope && void edit({ op: "ungroup", tool: props.name, id: scope.id })}>
        Ungroup
      </button>
      <span className="toolbar-sep" />
      <button data-testid="copy" disabled={selectedNodes.length === 0} onClick={copy} title="Copy (Ctrl+C)">
        Copy
      </button>
      <button data-testid="paste" onClick={() => void paste()} title="Paste (Ctrl+V)">
        Paste
      </button>
      <button data-testid="delete-selected" disabled={selected.size === 0} onClick={removeSelected} title="Delete (Del)">
        Delete
      </button>
      <span className="toolbar-sep" />
      <button data-testid="auto-layout" onClick={() => setLayoutNonce((n) => n + 1)} title="Lay out the flow again; pinned nodes stay">
        Auto-layout
      </button>
      {pinned > 0 && (
        <button
          data-testid="unpin"
          title="Let auto-layout place the nodes you moved"
          onClick={() => {
            setPins({});
            savePins(summary.dir, props.name, {});
            setLayoutNonce((n) => n + 1);
          }}
        >
          Unpin {pinned}
        </button>
      )}
    </div>
  );

  const issues = view.findings.length + view.problems.length;
  return (
    <div className={tab === "yaml" ? "tool-page wide-side" : "tool-page"} data-testid="tool-page" data-tool={view.name} data-risk={view.risk}>
      <Palette
        catalog={studio.catalog}
        active={draft}
        onPick={(type) => {
          // A scope is made around nodes: with a selection, the palette's transaction and retry wrap it.
          if ((type === "transaction" || type === "retry") && canGroup) return void group(type);
          setDraft(type);
          setSelected(new Set());
          setTab("inspect");
        }}
      />
      <section className="canvas-wrap">
        <div className="tool-title">
          <h1>{view.name}</h1>
          <RiskBadge risk={view.risk} testId="tool-standing" />
          <span className="muted">{summary.tools.find((t) => t.name === view.name)?.route}</span>
          {view.problems.length > 0 && (
            <button className="link bad" onClick={() => setTab("findings")}>
              {view.problems.length === 1 ? "1 problem" : `${view.problems.length} problems`} in {view.file}
            </button>
          )}
        </div>
        <ToolIssues view={view} onOpen={setTab} />
        <ReactFlowProvider>
          <FlowCanvas view={view} pins={pins} selected={selected} changes={changes} intents={intents} layoutNonce={layoutNonce} focus={focus} toolbar={toolbar} />
        </ReactFlowProvider>
      </section>
      <aside className="side">
        <nav className="tabs">
          <TabButton tab="inspect" current={tab} onPick={setTab} label="Inspector" />
          <TabButton tab="plan" current={tab} onPick={setTab} label="Plan" />
          <TabButton tab="findings" current={tab} onPick={setTab} label={`Findings${issues ? ` (${issues})` : ""}`} />
          <TabButton tab="yaml" current={tab} onPick={setTab} label="YAML" />
        </nav>
        <div className="side-body">
          {tab === "inspect" &&
            studio.catalog &&
            (draft ? (
              <NewNodeForm
                key={draft}
                type={draft}
                catalog={studio.catalog}
                onCancel={() => setDraft(null)}
                onAdd={async (node) => {
                  const answer = await edit({ op: "addNode", tool: props.name, node: node as { type: string } & Record<string, unknown> });
                  if (answer) {
                    setDraft(null);
                    if (answer.ids?.length) setSelected(new Set(answer.ids));
                    if (answer.ids?.[0]) show(answer.ids[0]);
                  }
                }}
              />
            ) : single ? (
              <NodeInspector
                key={`${single.id}:${JSON.stringify(single.spec)}`}
                node={single}
                catalog={studio.catalog}
                onApply={(set, unset) => void edit({ op: "configure", tool: props.name, id: single.id, set, unset })}
                onRemove={() => void intents.remove([single.id], [], [])}
              />
            ) : scope ? (
              <ScopeInspector
                key={`${scope.id}:${JSON.stringify(scope.spec)}`}
                scope={scope}
                catalog={studio.catalog}
                onApply={(set, unset) => void edit({ op: "configure", tool: props.name, id: scope.id, set, unset })}
                onUngroup={() => void edit({ op: "ungroup", tool: props.name, id: scope.id })}
              />
            ) : (
              <SelectionHelp count={selected.size} />
            ))}
          {tab === "plan" && <PlanPanel view={view} onSelect={(id) => (select([id]), show(id))} />}
          {tab === "findings" && (
            <div data-testid="tool-findings">
              {view.problems.length > 0 && (
                <>
                  <h4>Problems</h4>
                  <ProblemList problems={view.problems} />
                </>
              )}
              <h4>Findings</h4>
              <FindingList findings={view.findings} onSelect={(id) => (select([id]), show(id))} />
            </div>
          )}
          {tab === "yaml" && <YamlView file={view.file} yaml={view.yaml} onText={(text) => void edit({ op: "setText", file: view.file, text })} />}
        </div>
      </aside>
    </div>
  );
}

function TabButton(props: { tab: Tab; current: Tab; label: string; onPick(tab: Tab): void }) {
  return (
    <button className={props.tab === props.current ? "tab active" : "tab"} data-testid={`tab-${props.tab}`} onClick={() => props.onPick(props.tab)}>
      {props.label}
    </button>
  );
}

function SelectionHelp(props: { count: number }) {
  return (
    <div className="help">
      {props.count > 1 ? <p>{props.count} items selected. Wrap them in a transaction or a retry scope, copy or delete them from the toolbar.</p> : <p>Select a node to configure it, or pick a type in the palette to add one.</p>}
      <ul className="plain shortcuts">
        <li>
          <kbd>Click</kbd> select · <kbd>Ctrl</kbd>/<kbd>Shift</kbd>+<kbd>Click</kbd> add to the selection
        </li>
        <li>
          Drag from a node's right handle to another node to connect them
        </li>
        <li>
          <kbd>Del</kbd> remove the selection · <kbd>Esc</kbd> clear it
        </li>
        <li>
          <kbd>Ctrl</kbd>+<kbd>C</kbd> / <kbd>Ctrl</kbd>+<kbd>V</kbd> copy and paste nodes with the edges among them
        </li>
        <li>
          <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd> redo · <kbd>Ctrl</kbd>+<kbd>S</kbd> save
        </li>
        <li>Dragging a node pins it: auto-layout leaves it where you put it</li>
      </ul>
    </div>
  );
}
