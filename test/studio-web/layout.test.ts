/** The studio's automatic layout (elkjs): left to right, scopes around their members, pinned nodes kept. */
import { generateFlow } from "../../bench/studio-layout.bench";
import { layoutGraph, SCOPE_PADDING, type Box, type LayoutInput } from "../../studio/web/layout";

const flow: LayoutInput = {
  nodes: ["load", "check", "branch", "yes", "no", "save", "mail"].map((id) => ({ id, width: 240, height: 60 })),
  edges: [
    { from: "load", to: "check" },
    { from: "check", to: "branch" },
    { from: "branch", to: "yes", label: "true" },
    { from: "branch", to: "no", label: "false" },
    { from: "yes", to: "save" },
    { from: "no", to: "save" },
    { from: "save", to: "mail" },
  ],
  scopes: [
    { id: "tx", members: ["load", "check", "branch", "yes", "no", "retry"], parent: null },
    { id: "retry", members: ["save"], parent: "tx" },
  ],
};

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

describe("layoutGraph", () => {
  it("lays a flow out left to right, each scope's box around its members and nested scopes, no two nodes overlapping", async () => {
    const { positions, scopes } = await layoutGraph(flow);
    for (const edge of flow.edges) expect(positions[edge.to]!.x).toBeGreaterThan(positions[edge.from]!.x);
    const box = (id: string): Box => ({ ...positions[id]!, width: 240, height: 60 });
    for (const id of ["load", "check", "branch", "yes", "no"]) expect(inside(box(id), scopes.tx!)).toBe(true);
    expect(inside(box("save"), scopes.retry!)).toBe(true);
    expect(inside(scopes.retry!, scopes.tx!)).toBe(true);
    expect(inside(box("mail"), scopes.tx!)).toBe(false);
    expect(scopes.tx!.y).toBeLessThanOrEqual(positions.load!.y - SCOPE_PADDING.top);
    const ids = flow.nodes.map((n) => n.id);
    for (const a of ids)
      for (const b of ids) {
        if (a >= b) continue;
        const [p, q] = [box(a), box(b)];
        expect(p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y).toBe(true);
      }
  });

  it("keeps pinned nodes where the user put them, and draws their scopes around them", async () => {
    const free = await layoutGraph(flow);
    const pinned = await layoutGraph({ ...flow, pinned: { save: { x: 2000, y: 900 } } });
    expect(pinned.positions.save).toEqual({ x: 2000, y: 900 });
    expect(pinned.positions.load).toEqual(free.positions.load);
    expect(inside({ x: 2000, y: 900, width: 240, height: 60 }, pinned.scopes.retry!)).toBe(true);
    expect(inside(pinned.scopes.retry!, pinned.scopes.tx!)).toBe(true);
  });

  it("is deterministic and lays out a generated 200-node flow with every node placed", async () => {
    const big = generateFlow(200);
    const first = await layoutGraph(big);
    const second = await layoutGraph(big);
    expect(Object.keys(first.positions)).toHaveLength(big.nodes.length);
    expect(second).toEqual(first);
  });
});
