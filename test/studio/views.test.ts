/**
 * The studio's views without HTTP: the diff against an earlier version (changed tools, nodes,
 * entities and fields, with the migration `fascia plan --from` would plan), a tool drawn from
 * YAML the schema refuses, and malformed edits refused with the field's name.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpecDir } from "../../loader/load";
import { AppDocuments } from "../../studio/documents";
import { defaultAssetsDir } from "../../studio/server";
import { StudioSession } from "../../studio/session";

const EXAMPLE = join(__dirname, "../../examples/reservations");
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "fascia-studio-views-"));
  // The earlier version: no `notes` on reservations, and createRoom without its transaction.
  cpSync(EXAMPLE, join(root, "before"), { recursive: true });
  const reservation = join(root, "before/entities/reservation.yaml");
  writeFileSync(reservation, readFileSync(reservation, "utf8").replace(/ {2}notes: .*\n/, ""));
  const room = join(root, "before/tools/create-room.yaml");
  writeFileSync(room, readFileSync(room, "utf8").replace("    - { id: tx, type: transaction, nodes: [room] }\n", ""));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const session = () => new StudioSession(AppDocuments.read(EXAMPLE), { dir: join(root, "before"), load: loadSpecDir(join(root, "before")) });

describe("studio views", () => {
  it("diffs the app against --from: tools and nodes, entities and fields, risk before and after, the migration", () => {
    const diff = session().diff()!;
    expect(diff.tools).toEqual([
      { name: "createRoom", change: "changed", before: "red", after: "green", nodes: [{ id: "tx", change: "added" }] },
    ]);
    expect(diff.entities).toEqual([{ name: "Reservation", change: "changed", fields: [{ name: "notes", change: "added" }] }]);
    expect(diff.migration.error).toBeUndefined();
    expect(diff.migration.steps.map((s) => s.summary).join("\n")).toMatch(/notes/);
    expect(diff.migration.steps.flatMap((s) => s.sql).join("\n")).toMatch(/ADD COLUMN "notes"/i);
  });

  it("has no diff without --from", () => {
    expect(new StudioSession(AppDocuments.read(EXAMPLE)).diff()).toBeUndefined();
  });

  it("draws a tool the schema refuses from its YAML, the problem on its node", () => {
    const s = session();
    const file = "tools/create-room.yaml";
    s.edit({ op: "setText", file, text: s.app.text(file).replace("action: create", "action: crate") });
    const view = s.tool("createRoom")!;
    expect(view.risk).toBe("invalid");
    expect(view.nodes.map((n) => n.id)).toEqual(["room"]);
    expect(view.scopes.map((x) => [x.id, x.members])).toEqual([["tx", ["room"]]]);
    expect(view.nodes[0]).toMatchObject({ scope: "tx", risk: "invalid", step: null });
    expect(view.nodes[0]!.problems[0]).toMatchObject({ file, node: "room" });
    expect(s.summary().tools.find((t) => t.name === "createRoom")).toMatchObject({ risk: "invalid", problems: 1 });
  });

  it("still lists a tool whose YAML does not parse, with its text to fix", () => {
    const s = session();
    const file = "tools/create-room.yaml";
    const broken = s.app.text(file).replace("auth: { roles: [staff] }", "auth: { roles: [staff }");
    s.edit({ op: "setText", file, text: broken });
    expect(s.summary().tools.find((t) => t.name === "createRoom")).toMatchObject({ risk: "invalid", file });
    const view = s.tool("createRoom")!;
    expect(view.yaml).toBe(broken);
    expect(view.problems[0]).toMatchObject({ file, code: "FS002" });
    expect(() => s.edit({ op: "addNode", tool: "createRoom", node: { type: "read" } })).toThrow(/does not parse/);
    s.undo();
    expect(s.tool("createRoom")!.risk).toBe("green");
  });

  it("adds nodes and edges to a flow whose lists are empty", () => {
    const s = session();
    const file = "tools/create-room.yaml";
    const text = s.app.text(file);
    s.edit({ op: "setText", file, text: text.slice(0, text.indexOf("  nodes:")) + "  nodes: # to do\n" });
    s.edit({ op: "addNode", tool: "createRoom", node: { type: "transform", value: "1" } });
    s.edit({ op: "addNode", tool: "createRoom", node: { type: "transform", value: "2" } });
    s.edit({ op: "connect", tool: "createRoom", from: "transform1", to: "transform2" });
    const view = s.tool("createRoom")!;
    expect(
      view.yaml.endsWith(
        '  nodes: [{ id: transform1, type: transform, value: "1" }, { id: transform2, type: transform, value: "2" }] # to do\n  edges:\n    - { from: transform1, to: transform2 }\n',
      ),
    ).toBe(true);
    expect(view.edges).toEqual([{ from: "transform1", to: "transform2" }]);
  });

  it("reports a file it cannot read among the app's problems, as fascia validate does", () => {
    const dir = join(root, "unreadable");
    cpSync(EXAMPLE, dir, { recursive: true });
    writeFileSync(join(dir, "tools/bad.yaml"), Buffer.from([0x6b, 0x3a, 0xff, 0x0a]));
    const s = new StudioSession(AppDocuments.read(dir));
    expect(s.app.files()).not.toContain("tools/bad.yaml");
    expect(s.summary().problems).toEqual([
      expect.objectContaining({ file: "tools/bad.yaml", code: "FS001", message: expect.stringMatching(/not valid UTF-8/) }),
    ]);
  });

  it("refuses malformed edits naming the field", () => {
    const s = session();
    expect(() => s.edit({ op: "removeNodes", tool: "createRoom", ids: "room" })).toThrow(/^ids: expected a list of node ids/);
    expect(() => s.edit({ op: "fly" })).toThrow(/^op: unknown edit "fly"/);
    expect(() => s.edit({ op: "group", tool: "createRoom", ids: ["room"], scope: "saga" })).toThrow(
      /^scope: expected transaction or retry/,
    );
    expect(() => s.edit({ op: "setText", file: "../outside.yaml", text: "" })).toThrow(/^file: /);
    expect(s.summary().edits.undo).toBe(0);
  });
});

describe("the browser app's files", () => {
  it("are dist/studio-web, found from the sources and from dist/studio/", () => {
    expect(defaultAssetsDir()).toBe(join(__dirname, "../../dist/studio-web"));
  });
});
