/**
 * The text-splice primitives on the example files: each changes only its own range (the rest of the
 * file, comments included, keeps its bytes) and the result parses to the intended value.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { appendItem, insertPair, removeItem, removePair, renderFlow, setValue, valueAt, YamlEditError } from "../../studio/yaml-edit";

const EXAMPLE = join(__dirname, "../../examples/reservations");
const read = (file: string) => readFileSync(join(EXAMPLE, file), "utf8");
const create = read("tools/create-reservation.yaml");
const createRoom = read("tools/create-room.yaml");
const COMMENT = '    # A stay may start "today" wherever the guest is';

/** The text is `before` with one stretch replaced: everything before and after it is unchanged. */
function changedOnly(before: string, after: string): { removed: string; added: string } {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end])
    end++;
  return { removed: before.slice(start, before.length - end), added: after.slice(start, after.length - end) };
}

describe("rendering new values", () => {
  it("writes one-line flow maps the way the example files do, quoting only what could be misread", () => {
    expect(renderFlow({ id: "x", type: "write", where: { id: "input.id" }, one: true, n: 3, cases: ["a", "true", "1"] })).toBe(
      '{ id: x, type: write, where: { id: "input.id" }, one: true, n: 3, cases: [a, "true", "1"] }',
    );
    expect(renderFlow({ timeout: "5s", path: "/rooms", s: "it's: here", empty: {} })).toBe(
      '{ timeout: 5s, path: /rooms, s: "it\'s: here", empty: {} }',
    );
  });
});

describe("setValue", () => {
  it("replaces a scalar inside a flow map and leaves every other byte alone", () => {
    const after = setValue(create, 0, ["flow", "nodes", 1, "entity"], "Room");
    expect(changedOnly(create, after)).toEqual({ removed: "Customer", added: "Room" });
    expect(valueAt(after, 0, ["flow", "nodes", 1, "entity"])).toBe("Room");
    expect(after).toContain(COMMENT);
  });

  it("inserts a missing key into a flow map before its closing brace", () => {
    const after = setValue(create, 0, ["flow", "nodes", 1, "lock"], "update");
    expect(changedOnly(create, after).added).toBe(", lock: update");
    expect(valueAt(after, 0, ["flow", "nodes", 1])).toEqual({
      id: "customer",
      type: "read",
      entity: "Customer",
      where: { id: "caller.id" },
      one: true,
      lock: "update",
    });
  });

  it("inserts a missing key into a block map as a new line at the map's indentation", () => {
    const after = setValue(create, 0, ["flow", "nodes", 6, "timeout"], "2s");
    expect(after.replace('        totalPrice: "nodes.price"\n      timeout: 2s\n', '        totalPrice: "nodes.price"\n')).toBe(create);
    expect(valueAt(after, 0, ["flow", "nodes", 6, "timeout"])).toBe("2s");
  });

  it("turns a replaced block map into one flow line after its key", () => {
    const after = setValue(create, 0, ["flow", "nodes", 6, "set"], { guests: "input.guests" });
    expect(after).toContain('      set: { guests: "input.guests" }\n    - { id: tx');
    expect(valueAt(after, 0, ["flow", "nodes", 6, "set"])).toEqual({ guests: "input.guests" });
  });

  it("replaces a folded block scalar and keeps the line that follows", () => {
    const after = setValue(create, 0, ["flow", "nodes", 5, "value"], "nodes.room.nightlyRate");
    expect(after).toContain('      value: "nodes.room.nightlyRate"\n    - id: create');
  });

  it("builds missing maps from the nearest one that exists", () => {
    const after = setValue(createRoom, 0, ["flow", "nodes", 0, "where", "id"], "input.number");
    expect(valueAt(after, 0, ["flow", "nodes", 0, "where"])).toEqual({ id: "input.number" });
  });
});

describe("insertPair and removePair", () => {
  it("refuses a key that is there", () => {
    expect(() => insertPair(create, 0, ["flow", "nodes", 1], "entity", "X")).toThrow(YamlEditError);
  });

  it("removes a flow map entry with its comma, and a block pair with its lines", () => {
    const flow = removePair(create, 0, ["flow", "nodes", 1], "one");
    expect(changedOnly(create, flow).removed).toBe(", one: true");
    const block = removePair(create, 0, ["flow", "nodes", 6], "set");
    expect(valueAt(block, 0, ["flow", "nodes", 6])).toEqual({ id: "create", type: "write", entity: "Reservation", action: "create" });
    expect(block).toContain("      action: create\n    - { id: tx");
  });

  it("moves the next key onto the dash when a list item's first key goes", () => {
    const after = removePair(create, 0, ["flow", "nodes", 5], "id");
    expect(after).toContain("    - type: transform\n      value: >-");
    expect(valueAt(after, 0, ["flow", "nodes", 5, "type"])).toBe("transform");
  });

  it("adds a block list of flow maps for a new list of objects (a missing `edges:`)", () => {
    const noEdges = createRoom;
    const after = insertPair(noEdges, 0, ["flow"], "edges", [{ from: "room", to: "tx" }]);
    expect(after.endsWith("  edges:\n    - { from: room, to: tx }\n")).toBe(true);
  });
});

describe("appendItem and removeItem", () => {
  it("appends a flow node as a `- { … }` line at the items' indentation", () => {
    const after = appendItem(create, 0, ["flow", "nodes"], { id: "w", type: "write", entity: "Room", action: "delete" });
    expect(after).toBe(create.replace("\n  edges:\n", "\n    - { id: w, type: write, entity: Room, action: delete }\n  edges:\n"));
    expect((valueAt(after, 0, ["flow", "nodes"]) as unknown[]).length).toBe(10);
    expect(after).toContain(COMMENT);
  });

  it("appends to and removes from a flow list", () => {
    const added = appendItem(create, 0, ["flow", "nodes", 7, "nodes"], "sendConfirmation");
    expect(valueAt(added, 0, ["flow", "nodes", 7, "nodes"])).toEqual([
      "customer",
      "room",
      "roomActive",
      "fits",
      "price",
      "create",
      "sendConfirmation",
    ]);
    const first = removeItem(create, 0, ["flow", "nodes", 7, "nodes"], 0);
    expect(changedOnly(create, first).removed).toBe("customer, ");
    const last = removeItem(create, 0, ["flow", "nodes", 7, "nodes"], 5);
    expect(changedOnly(create, last).removed).toBe(", create");
  });

  it("removes a block list item with all its lines, a multi-line flow map or a block map", () => {
    const flowItem = removeItem(create, 0, ["flow", "nodes"], 0);
    expect(flowItem).not.toContain("notPast, type: assert");
    expect(flowItem).not.toContain("DATE_IN_PAST");
    expect(flowItem).toContain(COMMENT);
    const blockItem = removeItem(create, 0, ["flow", "nodes"], 6);
    expect(blockItem).not.toContain("totalPrice:");
    expect((valueAt(blockItem, 0, ["flow", "nodes"]) as { id: string }[]).map((n) => n.id)).toEqual([
      "notPast",
      "customer",
      "room",
      "roomActive",
      "fits",
      "price",
      "tx",
      "sendConfirmation",
    ]);
  });

  it("leaves the other documents of a multi-document file byte-identical", () => {
    const two = `${createRoom}---\n${create}`;
    const after = appendItem(two, 1, ["flow", "edges"], { from: "tx", to: "sendConfirmation" });
    expect(after.startsWith(`${createRoom}---\n`)).toBe(true);
    expect(valueAt(after, 0, [])).toEqual(valueAt(two, 0, []));
  });

  it("writes new lines with the file's line ends", () => {
    const crlf = createRoom.replace(/\n/g, "\r\n");
    const after = appendItem(crlf, 0, ["flow", "nodes"], { id: "x", type: "transform", value: "1" });
    expect(after).toBe(`${crlf}    - { id: x, type: transform, value: "1" }\r\n`);
    expect(removeItem(after, 0, ["flow", "nodes"], 2)).toBe(crlf);
  });

  it("adds the missing last newline before a new line", () => {
    const after = appendItem(createRoom.trimEnd(), 0, ["flow", "nodes"], { id: "x", type: "transform", value: "1" });
    expect(after.endsWith('nodes: [room] }\n    - { id: x, type: transform, value: "1" }\n')).toBe(true);
  });
});
