/**
 * A tool's flow on a React Flow canvas: nodes laid out by elkjs (pinned ones where the user left
 * them), scopes as boxes around their members, branch edges labelled. Every change the user makes
 * here is handed up as an intent; the canvas never edits the flow itself. Without intents it is
 * read-only, and an overlay draws one run over it (the Console): each node in its state, the edges
 * the run took solid, the others faint.
 */
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  ReactFlow,
  getNodesBounds,
  useReactFlow,
  useStoreApi,
  useUpdateNodeInternals,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type OnBeforeDelete,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Change, FlowEdgeView, ToolView } from "../protocol";
import { scopeBoxes, type LayoutInput, type Point } from "./layout";
import { branchOutcomes } from "./nodeText";
import { reached, STATE_COLOUR, type NodeOverlay } from "./overlay";
import type { Pins } from "./pins";
import { RISK_COLOUR } from "./risk";
import { ScopeNode, type ScopeFlowNode } from "./ScopeNode";
import { estimateHeight, STEP_WIDTH, StepNode, type StepFlowNode } from "./StepNode";
import { useLayout } from "./useLayout";
import { edgeKey, edgeTurn } from "./edgeKey";

const NODE_TYPES = { step: StepNode, scope: ScopeNode };
/** Below this zoom a node's findings cannot be read: the view frames the flow's start instead. */
const READABLE_ZOOM = 0.75;

export interface CanvasIntents {
  select(ids: string[]): void;
  connect(from: string, to: string, when?: string | number | boolean): void;
  remove(nodes: string[], scopes: string[], edges: FlowEdgeView[]): void;
  pin(id: string, at: Point): void;
}

const NO_PINS: Pins = {};

export function FlowCanvas(props: {
  view: ToolView;
  pins?: Pins;
  selected: ReadonlySet<string>;
  changes?: Record<string, Change>;
  /** Absent: the canvas is read-only (nothing is dragged, connected or deleted). */
  intents?: CanvasIntents;
  /** A run drawn over the flow, by node and scope id. */
  overlay?: Record<string, NodeOverlay>;
  /** Bumped by the auto-layout button: lay out again and fit the view. */
  layoutNonce?: number;
  /** A node to bring into view once it is drawn (a node just added or pasted, a finding's node). */
  focus?: { id: string; nonce: number } | null;
  toolbar?: ReactNode;
}) {
  const { view, selected, intents, overlay } = props;
  const pins = props.pins ?? NO_PINS;
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [dragging, setDragging] = useState<Record<string, Point>>({});
  const flow = useReactFlow();
  const store = useStoreApi();

  // Sizes of nodes no longer in the flow are forgotten (an id may come back as another node).
  useEffect(() => {
    const ids = new Set(view.nodes.map((n) => n.id));
    setMeasured((m) => (Object.keys(m).every((id) => ids.has(id)) ? m : Object.fromEntries(Object.entries(m).filter(([id]) => ids.has(id)))));
  }, [view]);

  const input = useMemo<LayoutInput>(
    () => ({
      nodes: view.nodes.map((n) => ({
        id: n.id,
        width: STEP_WIDTH,
        height: Math.ceil((measured[n.id]?.height ?? estimateHeight(n)) / 4) * 4,
      })),
      edges: view.edges.map((e) => ({ from: e.from, to: e.to, label: e.when })),
      scopes: view.scopes.map((s) => ({ id: s.id, members: s.members, parent: s.parent })),
      direction: "RIGHT",
    }),
    [view, measured],
  );
  const layout = useLayout(input);

  const positions = useMemo(() => {
    const at: Record<string, Point> = { ...(layout?.positions ?? {}) };
    for (const [id, point] of Object.entries(pins)) if (id in at) at[id] = point;
    for (const [id, point] of Object.entries(dragging)) at[id] = point;
    return at;
  }, [layout, pins, dragging]);

  const boxes = useMemo(() => scopeBoxes(input, positions), [input, positions]);

  const nodes = useMemo<Node[]>(() => {
    if (!layout) return [];
    const scopeNodes: ScopeFlowNode[] = view.scopes
      .filter((s) => boxes[s.id])
      .map((s, i) => {
        const box = boxes[s.id]!;
        return {
          id: s.id,
          type: "scope",
          position: { x: box.x, y: box.y },
          data: { view: s, overlay: overlay?.[s.id] },
          style: { width: box.width, height: box.height },
          width: box.width,
          height: box.height,
          measured: { width: box.width, height: box.height },
          draggable: false,
          connectable: false,
          selected: selected.has(s.id),
          zIndex: -10 + i,
        };
      });
    const stepNodes: StepFlowNode[] = view.nodes.map((n) => ({
      id: n.id,
      type: "step",
      position: positions[n.id] ?? { x: 0, y: 0 },
      data: { view: n, change: props.changes?.[n.id], overlay: overlay?.[n.id] },
      selected: selected.has(n.id),
      // A node comes back with its size once React Flow has measured it: without one, React Flow
      // keeps it hidden and never measures it again. Its handles are seen to below.
      ...(measured[n.id] ? { measured: measured[n.id] } : {}),
      zIndex: 10,
    }));
    return [...scopeNodes, ...stepNodes];
  }, [layout, view, boxes, positions, selected, measured, props.changes, overlay]);

  // React Flow drops a node's handles whenever the node comes back without its size (new, or
  // re-rendered before its measurement was applied), and a node with a size but no handles has its
  // edges never drawn: have it measured again, handles and all.
  const updateNodeInternals = useUpdateNodeInternals();
  useEffect(() => {
    const lookup = store.getState().nodeLookup;
    const unhandled = view.nodes.filter((n) => measured[n.id] && !lookup.get(n.id)?.internals.handleBounds).map((n) => n.id);
    if (unhandled.length) updateNodeInternals(unhandled);
  }, [nodes, view, measured, store, updateNodeInternals]);

  const edges = useMemo<Edge[]>(() => {
    const types = new Map(view.nodes.map((n) => [n.id, n.spec]));
    return view.edges.map((e) => {
      const outcomes = branchOutcomes(types.get(e.from) ?? {});
      const handle = outcomes && e.when !== undefined && outcomes.some((o) => o.label === String(e.when)) ? String(e.when) : undefined;
      // Under a run: an edge the run took (both ends reached) is drawn darker, one it did not take faint and dashed.
      const taken = overlay ? reached(overlay[e.from]?.state) && reached(overlay[e.to]?.state) : undefined;
      const stroke = taken === undefined ? "#8c959f" : taken ? "#424a53" : "#d0d7de";
      const id = edgeKey(e, view.edges);
      return {
        id,
        source: e.from,
        target: e.to,
        sourceHandle: handle,
        label: e.when,
        type: "smoothstep",
        pathOptions: { stepPosition: edgeTurn(e, view.edges) },
        selected: selected.has(id),
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: stroke },
        style: { stroke, strokeWidth: taken ? 2 : 1.5, ...(taken === false ? { strokeDasharray: "5 4" } : {}) },
        labelStyle: { fontSize: 12, fontWeight: 600, fill: "#424a53" },
        labelBgPadding: [6, 3] as [number, number],
        labelBgBorderRadius: 4,
        labelBgStyle: { fill: "#ffffff", stroke: "#d0d7de" },
        zIndex: 5,
        data: { edge: e },
      };
    });
  }, [view, selected, overlay]);

  // Frame the flow when it is first laid out and after the auto-layout button: the whole flow when it
  // fits at a readable zoom, else its start (left edge) at that zoom, for the user to pan along.
  const frame = useRef<HTMLDivElement>(null);
  const fitted = useRef<string>("");
  useEffect(() => {
    if (!layout || nodes.length === 0) return;
    const key = `${view.name}:${props.layoutNonce ?? 0}`;
    if (fitted.current === key) return;
    fitted.current = key;
    requestAnimationFrame(() => {
      const box = frame.current?.getBoundingClientRect();
      if (!box) return;
      const bounds = getNodesBounds(nodes);
      const top = 64;
      const fit = Math.min(box.width / (bounds.width + 80), (box.height - top) / (bounds.height + 60), 1);
      if (fit >= READABLE_ZOOM) {
        void flow.fitView({ padding: 0.12, maxZoom: 1 });
        return;
      }
      const zoom = READABLE_ZOOM;
      const x = 40 - bounds.x * zoom;
      const tall = bounds.height * zoom > box.height - top - 20;
      const y = tall ? top - bounds.y * zoom : top + (box.height - top) / 2 - (bounds.y + bounds.height / 2) * zoom;
      void flow.setViewport({ x, y, zoom });
    });
  }, [layout, nodes, view.name, props.layoutNonce, flow]);

  const focused = useRef(0);
  useEffect(() => {
    const focus = props.focus;
    if (!focus || focused.current === focus.nonce || !layout) return;
    const scopeBox = boxes[focus.id];
    const at = scopeBox ?? positions[focus.id];
    if (!at) return;
    focused.current = focus.nonce;
    const width = scopeBox?.width ?? STEP_WIDTH;
    const height = scopeBox?.height ?? measured[focus.id]?.height ?? 80;
    const box = frame.current?.getBoundingClientRect();
    const { x, y, zoom } = flow.getViewport();
    const left = at.x * zoom + x;
    const top = at.y * zoom + y;
    const visible = box && left > 0 && top > 56 && left + width * zoom < box.width && top + height * zoom < box.height;
    if (!visible) void flow.setCenter(at.x + width / 2, at.y + height / 2, { zoom: Math.max(zoom, READABLE_ZOOM), duration: 0 });
  }, [props.focus, layout, boxes, positions, measured, flow]);

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const sizes: Record<string, { width: number; height: number }> = {};
      let selection: Set<string> | null = null;
      for (const change of changes) {
        if (change.type === "dimensions" && change.dimensions && !view.scopes.some((s) => s.id === change.id)) sizes[change.id] = change.dimensions;
        else if (change.type === "select") {
          selection ??= new Set(selected);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        } else if (change.type === "position" && change.position) {
          const position = change.position;
          if (change.dragging) setDragging((d) => ({ ...d, [change.id]: position }));
          else {
            intents?.pin(change.id, position);
            setDragging((d) => {
              const { [change.id]: _done, ...rest } = d;
              return rest;
            });
          }
        }
      }
      if (Object.keys(sizes).length)
        setMeasured((m) => {
          const changed = Object.entries(sizes).some(([id, s]) => !m[id] || Math.abs(m[id].height - s.height) > 1 || Math.abs(m[id].width - s.width) > 1);
          return changed ? { ...m, ...sizes } : m;
        });
      if (selection) intents?.select([...selection]);
    },
    [view, selected, intents],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      let selection: Set<string> | null = null;
      for (const change of changes)
        if (change.type === "select") {
          selection ??= new Set(selected);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        }
      if (selection) intents?.select([...selection]);
    },
    [selected, intents],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const from = view.nodes.find((n) => n.id === connection.source);
      const outcome = from && branchOutcomes(from.spec)?.find((o) => o.label === connection.sourceHandle);
      intents?.connect(connection.source, connection.target, outcome?.value);
    },
    [view, intents],
  );

  const onBeforeDelete: OnBeforeDelete = useCallback(
    async ({ nodes: doomed, edges: cut }) => {
      const scopeIds = new Set(view.scopes.map((s) => s.id));
      const nodeIds = doomed.filter((n) => !scopeIds.has(n.id)).map((n) => n.id);
      const scopes = doomed.filter((n) => scopeIds.has(n.id)).map((n) => n.id);
      const gone = new Set(nodeIds);
      const edgesCut = cut
        .map((e) => (e.data as { edge?: FlowEdgeView } | undefined)?.edge)
        .filter((e): e is FlowEdgeView => !!e && !gone.has(e.from) && !gone.has(e.to));
      intents?.remove(nodeIds, scopes, edgesCut);
      return false;
    },
    [view, intents],
  );

  return (
    <div className="canvas" data-testid="canvas" ref={frame}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onBeforeDelete={onBeforeDelete}
        isValidConnection={(c) => c.source !== c.target && !view.scopes.some((s) => s.id === c.source || s.id === c.target)}
        deleteKeyCode={intents ? ["Delete", "Backspace"] : null}
        nodesDraggable={!!intents}
        nodesConnectable={!!intents}
        multiSelectionKeyCode={["Control", "Meta", "Shift"]}
        selectionKeyCode={null}
        selectionOnDrag={false}
        fitViewOptions={{ padding: 0.12, maxZoom: 1 }}
        minZoom={0.15}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        elevateNodesOnSelect={false}
      >
        <Background gap={20} color="#e6e8eb" />
        <MiniMap
          style={{ width: 168, height: 112 }}
          pannable
          zoomable
          nodeColor={(n) => {
            const data = n.data as { view?: { risk?: keyof typeof RISK_COLOUR }; overlay?: NodeOverlay };
            if (n.type === "scope") return "rgba(208,215,222,0.35)";
            return data.overlay ? (STATE_COLOUR[data.overlay.state] ?? "#8c959f") : RISK_COLOUR[data.view?.risk ?? "green"];
          }}
          nodeStrokeColor="#d0d7de"
        />
        <Controls showInteractive={false} />
        {props.toolbar && <Panel position="top-left">{props.toolbar}</Panel>}
        {view.nodes.length === 0 && <div className="canvas-empty">No nodes to draw: add one from the palette, or write the flow in the YAML view.</div>}
      </ReactFlow>
    </div>
  );
}
