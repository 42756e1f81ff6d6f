/**
 * The studio over real HTTP, on a copy of the example: an unsafe edit turns a Green tool Red with the
 * finding on the new node, grouping it makes it Green again, saving writes YAML that loads and keeps
 * its comments, and undo restores the previous text exactly.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpecDir } from "../../loader/load";
import type {
  AppSummary,
  ChangeAnswer,
  DiffView,
  Edit,
  EntityGraph,
  EntityView,
  NodeTypeCatalog,
  SaveAnswer,
  ToolView,
} from "../../studio/protocol";
import { startStudio, type Studio } from "../../studio/server";
import { getWithForeignHost } from "./support/foreign-host";

const EXAMPLE = join(__dirname, "../../examples/reservations");
const CANCEL = "tools/cancel-reservation.yaml";
const COMMENT = "# The refund runs after the commit (the default for a refund)";

let dir: string;
let assets: string;
let studio: Studio;

async function get<T>(path: string): Promise<T> {
  const response = await fetch(studio.url + path);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function post<T>(path: string, body?: unknown, status = 200): Promise<T> {
  const response = await fetch(studio.url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  const answer = (await response.json()) as T;
  expect({ status: response.status, answer }).toEqual({ status, answer });
  return answer;
}

const edit = (e: Edit) => post<ChangeAnswer>("/api/edit", e);
const tool = (name: string) => get<ToolView>(`/api/tools/${name}`);

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "fascia-studio-"));
  dir = join(root, "app");
  assets = join(root, "assets");
  cpSync(EXAMPLE, dir, { recursive: true });
  mkdirSync(assets);
  writeFileSync(join(assets, "index.html"), "<!doctype html><div id=root></div>");
  writeFileSync(join(assets, "app.js"), "console.log('studio')");
  studio = await startStudio({ dir, port: 0, assetsDir: assets, from: EXAMPLE });
});

afterAll(async () => {
  await studio.close();
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

describe("the studio server", () => {
  it("answers on 127.0.0.1 with the app, each tool's standing, and the static files", async () => {
    expect(studio.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const summary = await get<AppSummary>("/api/app");
    expect(summary.tools.map((t) => t.name)).toContain("cancelReservation");
    expect(summary.tools.find((t) => t.name === "cancelReservation")).toMatchObject({
      risk: "green",
      file: CANCEL,
      route: "POST /reservations/{reservationId}/cancel",
    });
    expect(summary.risk).toMatchObject({ tools: 8, red: 0, invalid: 0 });
    expect(summary.edits).toEqual({ dirty: [], undo: 0, redo: 0, revision: 0 });
    expect(summary.diff).toBe(true);
    const page = await fetch(`${studio.url}/`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await (await fetch(`${studio.url}/app.js`)).text()).toBe("console.log('studio')");
    expect((await fetch(`${studio.url}/../package.json`)).status).toBe(404);
    expect((await fetch(`${studio.url}/api/tools/nope`)).status).toBe(404);
    const unknown = await fetch(`${studio.url}/api/nothing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({ status: 404, body: { error: "no route POST /api/nothing" } });
  });

  it("draws a tool with its plan order, scopes and findings", async () => {
    const view = await tool("cancelReservation");
    expect(view.risk).toBe("green");
    expect(view.nodes.map((n) => n.id)).toEqual(["load", "owner", "cancellable", "wasPaid", "refund", "cancel"]);
    expect(view.nodes.find((n) => n.id === "load")).toMatchObject({ scope: "tx", step: 0, risk: "green" });
    expect(view.scopes).toEqual([expect.objectContaining({ id: "tx", type: "transaction", parent: null })]);
    expect(view.edges).toContainEqual({ from: "wasPaid", to: "refund", when: "true" });
    expect(view.plan?.order[0]).toBe("load");
  });

  it("serves the node catalog, an entity, the entity graph and the diff", async () => {
    const catalog = await get<NodeTypeCatalog>("/api/node-types");
    expect(catalog.groups.flatMap((g) => g.types).sort()).toEqual(Object.keys(catalog.schemas).sort());
    expect(catalog.groups.flatMap((g) => g.types)).toHaveLength(13);
    expect(catalog.schemas.write).toMatchObject({ type: "object", required: expect.arrayContaining(["id", "type", "entity", "action"]) });
    const reservation = await get<EntityView>("/api/entities/Reservation");
    expect(reservation.status?.transitions).toContainEqual({ from: "confirmed", to: "cancelled" });
    expect(reservation.invariants.find((i) => i.name === "endAfterStart")?.enforcedBy).toBe("check");
    expect(reservation.invariants.find((i) => i.name === "stayAtMostThirtyNights")?.enforcedBy).toBe("executor");
    const graph = await get<EntityGraph>("/api/entity-graph");
    expect(graph.relations).toContainEqual({ from: "Reservation", field: "room", to: "Room", required: true });
    const diff = await get<DiffView>("/api/diff");
    expect(diff).toMatchObject({ tools: [], entities: [], migration: { steps: [] } });
  });

  it("a write outside a transaction turns the tool Red with R001 on that node; grouping it makes it Green; save keeps comments; undo is exact", async () => {
    const original = readFileSync(join(dir, CANCEL), "utf8");
    const added = await edit({
      op: "addNode",
      tool: "cancelReservation",
      node: { type: "write", entity: "Reservation", action: "update", where: { id: "nodes.load.id" }, set: { notes: "input.reason" } },
    });
    expect(added.ids).toEqual(["write1"]);
    expect(added.files).toEqual([CANCEL]);
    const connected = await edit({ op: "connect", tool: "cancelReservation", from: "cancel", to: "write1" });
    expect(connected.summary.tools.find((t) => t.name === "cancelReservation")?.risk).toBe("red");
    expect(connected.summary.edits).toMatchObject({ dirty: [CANCEL], undo: 2, redo: 0 });
    const red = await tool("cancelReservation");
    expect(red.risk).toBe("red");
    const write = red.nodes.find((n) => n.id === "write1")!;
    expect(write.risk).toBe("red");
    expect(write.findings.map((f) => f.rule)).toContain("R001");
    expect(write.scope).toBeNull();
    const beforeGroup = red.yaml;

    const grouped = await edit({ op: "group", tool: "cancelReservation", ids: ["write1"], scope: "transaction" });
    expect(grouped.ids).toEqual(["transaction1"]);
    const green = await tool("cancelReservation");
    expect(green.risk).toBe("green");
    expect(green.nodes.find((n) => n.id === "write1")?.scope).toBe("transaction1");

    const saved = await post<SaveAnswer>("/api/save");
    expect(saved.saved).toEqual([CANCEL]);
    expect(saved.summary.edits.dirty).toEqual([]);
    const onDisk = readFileSync(join(dir, CANCEL), "utf8");
    expect(onDisk).toBe(green.yaml);
    expect(onDisk).toContain(COMMENT);
    expect(onDisk.startsWith(original.slice(0, original.indexOf("  edges:")))).toBe(true);
    const loaded = loadSpecDir(dir);
    expect(loaded.diagnostics).toEqual([]);

    const undone = await post<ChangeAnswer>("/api/undo");
    expect(undone.summary.edits).toMatchObject({ dirty: [CANCEL], undo: 2, redo: 1 });
    expect((await tool("cancelReservation")).yaml).toBe(beforeGroup);
    await post("/api/redo");
    expect((await tool("cancelReservation")).yaml).toBe(green.yaml);
    await post("/api/undo");
    await post("/api/undo");
    await post("/api/undo");
    expect((await tool("cancelReservation")).yaml).toBe(original);
    await post("/api/undo", undefined, 400);
  });

  it("refuses a POST that is not JSON, and a Host that is not this machine", async () => {
    const form = await fetch(`${studio.url}/api/save`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    expect(form.status).toBe(415);
    const bare = await fetch(`${studio.url}/api/undo`, { method: "POST" });
    expect(bare.status).toBe(415);
    expect(await getWithForeignHost(`${studio.url}/api/app`)).toBe(403);
  });

  it("refuses a bad edit with 400 and an error naming the field", async () => {
    const bad = await post<{ error: string }>("/api/edit", { op: "addNode", tool: "cancelReservation", node: { type: "teleport" } }, 400);
    expect(bad.error).toMatch(/^node\.type: unknown node type "teleport"/);
    const noTool = await post<{ error: string }>("/api/edit", { op: "connect", tool: "ghost", from: "a", to: "b" }, 400);
    expect(noTool.error).toMatch(/^tool: no tool "ghost"/);
  });

  it("setText replaces a file's text; a broken tool still draws, its problems on its nodes", async () => {
    const text = readFileSync(join(dir, CANCEL), "utf8").replace(
      "entity: Reservation, action: transition",
      "entity: Reservaton, action: transition",
    );
    await edit({ op: "setText", file: CANCEL, text });
    const view = await tool("cancelReservation");
    expect(view.risk).toBe("invalid");
    expect(view.plan).toBeNull();
    expect(view.nodes.map((n) => n.id)).toContain("cancel");
    const cancel = view.nodes.find((n) => n.id === "cancel")!;
    expect(cancel.risk).toBe("invalid");
    expect(cancel.problems[0]).toMatchObject({ file: CANCEL, node: "cancel" });
    await post("/api/undo");
    expect((await tool("cancelReservation")).risk).toBe("green");
  });
});
