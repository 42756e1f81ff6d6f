/**
 * Each edit operation on the real example files: the result keeps the file's comments and the bytes
 * the edit did not touch, and re-loads with the loader (valid where the edit leaves a valid tool).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSpecSources } from "../../loader/load";
import { findSpecFiles } from "../../loader/source/spec-files";
import { applyToolEdit, EditError, type ToolEdit } from "../../studio/edits";
import { valueAt } from "../../studio/yaml-edit";

const EXAMPLE = join(__dirname, "../../examples/reservations");
const FILES = new Map(findSpecFiles(EXAMPLE).map((path) => [path.slice(EXAMPLE.length + 1), readFileSync(path, "utf8")]));
const CREATE = "tools/create-reservation.yaml";
const create = FILES.get(CREATE)!;
const COMMENT = '# A stay may start "today" wherever the guest is: the date in UTC-12, the last time zone to\n';

/** Loads the example with one file replaced. */
function loadWith(file: string, text: string) {
  return loadSpecSources([...FILES].map(([f, t]) => ({ file: f, text: f === file ? text : t })));
}

const edit = (e: ToolEdit, text = create) => applyToolEdit(text, 0, e, { entity: "Customer" });
const ids = (text: string) => (valueAt(text, 0, ["flow", "nodes"]) as { id: string }[]).map((n) => n.id);
const edges = (text: string) => valueAt(text, 0, ["flow", "edges"]) as { from: string; to: string }[] | undefined;
const scope = (text: string, id: string) =>
  (valueAt(text, 0, ["flow", "nodes"]) as { id: string; nodes?: string[] }[]).find((n) => n.id === id);

/** Everything of `before` up to the flow's `nodes:` is untouched (the edits only change the flow). */
function headerKept(before: string, after: string): void {
  const head = before.slice(0, before.indexOf("flow:\n"));
  expect(after.startsWith(head)).toBe(true);
}

describe("edit operations on the example", () => {
  it("addNode: a first free `<type><n>` id, the type's default fields, one new line", () => {
    const { text, ids: added } = edit({
      op: "addNode",
      tool: "createReservation",
      node: { type: "write", entity: "Room", action: "update" },
    });
    expect(added).toEqual(["write1"]);
    expect(text).toBe(
      create.replace(
        "\n  edges:\n",
        '\n    - { id: write1, type: write, entity: Room, action: update, where: { id: "input.id" }, set: {} }\n  edges:\n',
      ),
    );
    const again = edit({ op: "addNode", tool: "createReservation", node: { type: "write" } }, text);
    expect(again.ids).toEqual(["write2"]);
    expect(valueAt(again.text, 0, ["flow", "nodes", 10, "entity"])).toBe("Customer");
  });

  it("addNode refuses an unknown type and a taken id, naming the field", () => {
    expect(() => edit({ op: "addNode", tool: "t", node: { type: "nope" } })).toThrow(/^node\.type: unknown node type "nope"/);
    expect(() => edit({ op: "addNode", tool: "t", node: { type: "read", id: "room" } })).toThrow(/^node\.id: "room" is already taken/);
  });

  it("connect and disconnect: one edge line; refuses unknown nodes", () => {
    const added = edit({ op: "addNode", tool: "t", node: { type: "transform", value: "1" } }).text;
    const connected = edit({ op: "connect", tool: "t", from: "sendConfirmation", to: "transform1" }, added).text;
    expect(connected).toBe(`${added}    - { from: sendConfirmation, to: transform1 }\n`);
    expect(loadWith(CREATE, connected).diagnostics).toEqual([]);
    expect(edit({ op: "disconnect", tool: "t", from: "sendConfirmation", to: "transform1" }, connected).text).toBe(added);
    expect(() => edit({ op: "connect", tool: "t", from: "ghost", to: "room" })).toThrow(/^from: no node "ghost"/);
    expect(() => edit({ op: "disconnect", tool: "t", from: "room", to: "notPast" })).toThrow(EditError);
  });

  it("connect with `when` writes the branch label", () => {
    const text = edit({ op: "connect", tool: "t", from: "room", to: "price", when: true }).text;
    expect(edges(text)!.at(-1)).toEqual({ from: "room", to: "price", when: true });
  });

  it("configure: sets and unsets fields in place; id and type are refused", () => {
    const { text } = edit({
      op: "configure",
      tool: "t",
      id: "sendConfirmation",
      set: { timeout: "3s", retry: { maxAttempts: 2 } },
      unset: ["subject"],
    });
    expect(text).toContain('    - { id: sendConfirmation, type: email, timeout: 3s, to: "nodes.customer.email",\n        body:');
    expect(valueAt(text, 0, ["flow", "nodes", 8, "retry"])).toEqual({ maxAttempts: 2 });
    expect(text).toContain(COMMENT);
    headerKept(create, text);
    expect(() => edit({ op: "configure", tool: "t", id: "room", set: { id: "x" } })).toThrow(/^set\.id:/);
    expect(() => edit({ op: "configure", tool: "t", id: "ghost", set: {} })).toThrow(/^id: no node "ghost"/);
  });

  it("removeNodes: also their edges and their ids in scopes; the result still loads", () => {
    const { text } = edit({ op: "removeNodes", tool: "t", ids: ["fits"] });
    expect(ids(text)).not.toContain("fits");
    expect(edges(text)!.some((e) => e.from === "fits" || e.to === "fits")).toBe(false);
    expect(scope(text, "tx")!.nodes).toEqual(["customer", "room", "roomActive", "price", "create"]);
    expect(text).toContain(COMMENT);
    const reconnected = edit({ op: "connect", tool: "t", from: "roomActive", to: "price" }, text).text;
    expect(loadWith(CREATE, reconnected).diagnostics).toEqual([]);
  });

  it("removeNodes: a scope left empty goes too", () => {
    const room = FILES.get("tools/create-room.yaml")!;
    const { text } = applyToolEdit(room, 0, { op: "removeNodes", tool: "createRoom", ids: ["room"] });
    expect(valueAt(text, 0, ["flow", "nodes"])).toBeNull();
    expect(text).toContain("description: Add a bookable room (staff only)\n");
  });

  it("group: a transaction around nodes (nested in the scope that held them), retry with its policy; ungroup undoes it", () => {
    const retried = edit({ op: "group", tool: "t", ids: ["price"], scope: "retry" });
    expect(retried.ids).toEqual(["retry1"]);
    expect(scope(retried.text, "retry1")).toEqual({ id: "retry1", type: "retry", nodes: ["price"], policy: { maxAttempts: 3 } });
    expect(scope(retried.text, "tx")!.nodes).toEqual(["customer", "room", "roomActive", "fits", "create", "retry1"]);
    expect(loadWith(CREATE, retried.text).diagnostics).toEqual([]);
    const ungrouped = edit({ op: "ungroup", tool: "t", id: "retry1" }, retried.text).text;
    expect(ids(ungrouped)).toEqual(ids(create));
    expect(new Set(scope(ungrouped, "tx")!.nodes)).toEqual(new Set(scope(create, "tx")!.nodes));
    expect(loadWith(CREATE, ungrouped).diagnostics).toEqual([]);
    expect(() => edit({ op: "ungroup", tool: "t", id: "room" })).toThrow(/^id: "room" is not a transaction or retry scope/);
  });

  it("paste: fresh ids where taken, edges follow the renames, edges to nodes not pasted are dropped", () => {
    const { text, ids: pasted } = edit({
      op: "paste",
      tool: "t",
      nodes: [
        { id: "room", type: "read", entity: "Room", where: { id: "input.roomId" }, one: true },
        { id: "fresh", type: "transform", value: "nodes.room2.capacity" },
      ],
      edges: [
        { from: "room", to: "fresh" },
        { from: "customer", to: "room" },
      ],
    });
    expect(pasted).toEqual(["room2", "fresh"]);
    expect(edges(text)!.slice(-1)).toEqual([{ from: "room2", to: "fresh" }]);
    expect(edges(text)!.length).toBe(edges(create)!.length + 1);
  });

  it("paste: a copied scope holds the copies of its members; nodes without an id get `<type><n>`", () => {
    const { text, ids: pasted } = edit({
      op: "paste",
      tool: "t",
      nodes: [
        { id: "price", type: "transform", value: "1" },
        { id: "tx", type: "transaction", nodes: ["price", "elsewhere"] },
        { type: "transform", value: "2" },
        { type: "transform", value: "3" },
      ],
      edges: [],
    });
    expect(pasted).toEqual(["price2", "tx2", "transform1", "transform2"]);
    expect(scope(text, "tx2")).toEqual({ id: "tx2", type: "transaction", nodes: ["price2"] });
  });

  it("paste: branch labels shown as text become an if's booleans and a switch's numbers again", () => {
    const { text } = edit({
      op: "paste",
      tool: "t",
      nodes: [
        { id: "check", type: "if", condition: "true" },
        { id: "pick", type: "switch", value: "1", cases: [1, 2] },
        { id: "one", type: "transform", value: "1" },
      ],
      edges: [
        { from: "check", to: "pick", when: "true" },
        { from: "pick", to: "one", when: "2" },
      ],
    });
    expect(edges(text)!.slice(-2)).toEqual([
      { from: "check", to: "pick", when: true },
      { from: "pick", to: "one", when: 2 },
    ]);
  });

  it("keeps a JSON spec file JSON", () => {
    const json = `${JSON.stringify(valueAt(FILES.get("tools/create-room.yaml")!, 0, []), null, 2)}\n`;
    let text = json;
    const step = (e: ToolEdit) => (text = applyToolEdit(text, 0, e).text);
    step({ op: "addNode", tool: "createRoom", node: { type: "transform", value: "nodes.room.id" } });
    step({ op: "connect", tool: "createRoom", from: "room", to: "transform1", when: "x" });
    step({ op: "configure", tool: "createRoom", id: "room", set: { timeout: "2s" }, unset: ["entity"] });
    step({ op: "group", tool: "createRoom", ids: ["transform1"], scope: "retry" });
    step({ op: "removeNodes", tool: "createRoom", ids: ["room"] });
    const parsed = JSON.parse(text) as { flow: { nodes: { id: string }[]; edges?: unknown } };
    expect(parsed.flow.nodes.map((n) => n.id)).toEqual(["transform1", "retry1"]);
    expect(parsed.flow.edges).toBeUndefined();
    expect(text.startsWith(json.slice(0, json.indexOf('"flow"')))).toBe(true);
  });

  it("an edit leaves a tool's comments and its untouched lines as they were", () => {
    const { text } = edit({ op: "group", tool: "t", ids: ["sendConfirmation"], scope: "retry" });
    const before = create.split("\n");
    const after = new Set(text.split("\n"));
    expect(before.filter((line) => !after.has(line))).toEqual([]);
  });
});
