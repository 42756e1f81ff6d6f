import { loadSpecObjects } from "../../loader/load";

const entity = { kind: "Entity", name: "Item", fields: { qty: { type: "integer" } } };
const tool = (scopes: unknown[]) => ({
  kind: "Tool",
  name: "bump",
  trigger: { http: { method: "POST", path: "/items/{itemId}" } },
  input: { itemId: { type: "uuid" } },
  flow: {
    nodes: [
      { id: "load", type: "read", entity: "Item", where: { id: "input.itemId" }, one: true },
      { id: "save", type: "write", entity: "Item", action: "update", where: { id: "nodes.load.id" }, set: { qty: "nodes.load.qty + 1" } },
      ...scopes,
    ],
    edges: [{ from: "load", to: "save" }],
  },
});

describe("transactions never share nodes (PostgreSQL transactions do not nest)", () => {
  it("rejects two transactions whose nodes overlap by containment", () => {
    const result = loadSpecObjects([
      entity,
      tool([
        { id: "outer", type: "transaction", nodes: ["load", "save"] },
        { id: "inner", type: "transaction", nodes: ["save"] },
      ]),
    ]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'FS021 transactions "outer" and "inner" both contain save; PostgreSQL transactions do not nest',
    ]);
  });

  it("accepts a retry scope around a transaction with the same nodes", () => {
    const result = loadSpecObjects([
      entity,
      tool([
        { id: "tx", type: "transaction", nodes: ["load", "save"] },
        { id: "again", type: "retry", nodes: ["load", "save"], policy: { maxAttempts: 3 } },
      ]),
    ]);
    expect(result.diagnostics).toEqual([]);
  });
});
