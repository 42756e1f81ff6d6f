/** A read-only diagram (entities, a status machine): boxes laid out by elkjs, drawn by React Flow. */
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { useMemo } from "react";
import { useLayout } from "./useLayout";

export interface DiagramBox {
  id: string;
  label: string;
  sub?: string;
  className?: string;
  testId?: string;
  href?: string;
}

const WIDTH = 150;
const HEIGHT = 52;

export function Diagram(props: { boxes: DiagramBox[]; links: { from: string; to: string; label?: string; dashed?: boolean; both?: boolean }[]; height?: number }) {
  const input = useMemo(
    () => ({
      nodes: props.boxes.map((b) => ({ id: b.id, width: WIDTH, height: HEIGHT })),
      edges: props.links.map((l) => ({ from: l.from, to: l.to, label: l.label })),
    }),
    [props.boxes, props.links],
  );
  const layout = useLayout(input);
  const nodes: Node[] = useMemo(
    () =>
      props.boxes.map((b) => ({
        id: b.id,
        type: "box",
        position: layout?.positions[b.id] ?? { x: 0, y: 0 },
        data: b as unknown as Record<string, unknown>,
        draggable: true,
        connectable: false,
        style: { width: WIDTH, height: HEIGHT },
      })),
    [props.boxes, layout],
  );
  const edges: Edge[] = useMemo(
    () =>
      props.links.map((l, i) => ({
        id: `l${i}`,
        source: l.from,
        target: l.to,
        label: l.label,
        type: l.from === l.to ? "default" : "smoothstep",
        markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: "#8c959f" },
        ...(l.both ? { markerStart: { type: MarkerType.Arrow, width: 16, height: 16, color: "#8c959f" } } : {}),
        style: { stroke: "#8c959f", strokeWidth: 1.5, ...(l.dashed ? { strokeDasharray: "5 4" } : {}) },
        labelStyle: { fontSize: 12, fill: "#424a53" },
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 4,
      })),
    [props.links],
  );
  return (
    <div className="diagram-canvas" style={{ height: props.height ?? 320 }}>
      {layout && (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
          nodesConnectable={false}
          proOptions={{ hideAttribution: true }}
          minZoom={0.2}
        >
          <Background gap={20} color="#e6e8eb" />
          <Controls showInteractive={false} />
        </ReactFlow>
      )}
    </div>
  );
}

function BoxNode(props: NodeProps) {
  const box = props.data as unknown as DiagramBox;
  const content = (
    <>
      <span className="box-label">{box.label}</span>
      {box.sub && <span className="box-sub">{box.sub}</span>}
    </>
  );
  return (
    <div className={`box ${box.className ?? ""}`} data-testid={box.testId}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      {box.href ? (
        <a href={box.href} className="box-link">
          {content}
        </a>
      ) : (
        content
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { box: BoxNode };
