/**
 * Flow Studio in real headless Chromium (Debian's chromium, driven by playwright-core), on a copy
 * of the example served by the studio's server with the browser app freshly built. The issue's
 * scenario: a write added outside a transaction turns a Green tool Red with R001 on that node;
 * wrapping it in a transaction makes it Green; saving writes a file that loads and keeps its comments;
 * undo restores the previous YAML exactly. Then: the entity page's state diagram, a YAML-view edit
 * reaching the canvas, copy/paste keeping the edge between the pasted nodes, and the diff page.
 * Screenshots of each state: test-results/studio/*.png.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { loadSpecDir } from "../../loader/load";
import type { ToolView } from "../../studio/protocol";
import type { Studio } from "../../studio/server";
import { byTest, screenshot } from "../support/chromium";
import { studioInBrowser, type StudioInBrowser } from "../support/studio-in-browser";

const EXAMPLE = join(__dirname, "../../examples/reservations");
const FASCIA = join(__dirname, "../../bin/fascia.js");
const SHOTS = join(__dirname, "../../test-results/studio");
const CANCEL = "tools/cancel-reservation.yaml";
const COMMENT = "# The refund runs after the commit (the default for a refund)";

let setting: StudioInBrowser;
let dir: string;
let studio: Studio;
let page: Page;

const shot = (name: string) => screenshot(page, SHOTS, name);

async function toolView(name: string): Promise<ToolView> {
  return (await (await fetch(`${studio.url}/api/tools/${name}`)).json()) as ToolView;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function yamlText(): Promise<string> {
  await page.click(byTest("tab-yaml"));
  return page.inputValue(byTest("yaml-view"));
}

beforeAll(async () => {
  setting = await studioInBrowser(SHOTS, { from: EXAMPLE });
  ({ dir, studio, page } = setting);
});

afterAll(async () => {
  await setting?.close();
});

describe("Flow Studio in the browser", () => {
  it("opens on the app's tools with their risk, its entities and their relationships", async () => {
    await page.goto(studio.url);
    await page.waitForSelector(`${byTest("tool-cancelReservation")}[data-risk="green"]`);
    expect(await page.getAttribute(byTest("tool-createReservation"), "data-risk")).toBe("yellow");
    await page.waitForSelector(byTest("entity-box-Reservation"));
    await shot("01-home");
  });

  it("a write outside a transaction turns the tool Red with R001 on the node; a transaction makes it Green; save keeps comments; undo is exact", async () => {
    await page.click(byTest("tool-cancelReservation"));
    await page.waitForSelector(`${byTest("node-cancel")}[data-risk="green"]`);
    await page.waitForSelector(byTest("scope-tx"));
    await shot("02-tool-green");

    // Add a write node through the palette and its form.
    await page.click(byTest("palette-write"));
    await page.fill(byTest("field-id"), "note");
    await page.fill(byTest("field-entity"), "Reservation");
    await page.selectOption(byTest("field-action"), "update");
    await page.fill(byTest("field-where-key-0"), "id");
    await page.fill(byTest("field-where-value-0"), "nodes.load.id");
    await page.click(byTest("field-set-add"));
    await page.fill(byTest("field-set-key-0"), "notes");
    await page.fill(byTest("field-set-value-0"), "input.reason");
    await shot("03-new-node-form");
    await page.click(byTest("add-node"));
    await page.waitForSelector(byTest("node-note"));

    // Connect cancel → note by dragging from handle to handle (with the whole flow in view).
    await page.click(".react-flow__controls-fitview");
    await connect("cancel", "note");
    await page.waitForSelector(`${byTest("node-note")}[data-risk="red"]`);
    await page.waitForSelector(`${byTest("node-note")} ${byTest("node-finding-R001")}`);
    expect(await page.getAttribute(byTest("tool-page"), "data-risk")).toBe("red");
    expect(await page.textContent(byTest("dirty"))).toContain("1 unsaved file");
    // The tool's findings list names the node; a click brings it into view.
    await page.click(byTest("tab-findings"));
    await page.click(`${byTest("finding-R001")}[data-node="note"] .where`);
    await shot("04-tool-red-R001");
    const beforeGroup = await yamlText();
    expect(beforeGroup).toContain("id: note");

    await page.click(`a${byTest("tool-cancelReservation")}, .crumbs a`);
    await page.waitForSelector(`${byTest("tool-cancelReservation")}[data-risk="red"]`);
    await shot("05-home-red");
    await page.goBack();

    // Select the new node (from the findings list, which brings it into view) and wrap it in a transaction.
    await page.click(byTest("tab-findings"));
    await page.click(`${byTest("finding-R001")}[data-node="note"] .where`);
    await page.waitForSelector(`${byTest("inspector")}[data-node="note"]`);
    await shot("06-node-selected");
    await page.click(byTest("group-transaction"));
    await page.waitForSelector(`${byTest("node-note")}[data-risk="green"]`);
    await page.waitForSelector(`${byTest("tool-page")}[data-risk="green"]`);
    const grouped = await toolView("cancelReservation");
    const scope = grouped.scopes.find((s) => s.members.includes("note"))!;
    expect(scope.type).toBe("transaction");
    await page.waitForSelector(byTest(`scope-${scope.id}`));
    await shot("07-tool-green-again");

    // Save: the file loads, keeps its comments, and the app validates.
    await page.click(byTest("save"));
    await page.waitForSelector(`${byTest("dirty")}[data-dirty="false"]`);
    const saved = readFileSync(join(dir, CANCEL), "utf8");
    expect(saved).toContain(COMMENT);
    expect(saved).toContain("id: note");
    expect(loadSpecDir(dir).diagnostics).toEqual([]);
    expect(execFileSync(process.execPath, [FASCIA, "validate", dir], { encoding: "utf8" })).toMatch(/valid \(3 entities, 8 tools/);

    // Undo (Ctrl+Z on the canvas): the YAML is the previous text, exactly.
    await page.click(".react-flow__pane");
    await page.keyboard.press("Control+z");
    await page.waitForSelector(`${byTest("node-note")}[data-risk="red"]`);
    expect(await yamlText()).toBe(beforeGroup);
    await page.click(byTest("save"));
    await page.waitForSelector(`${byTest("dirty")}[data-dirty="false"]`);
    expect(readFileSync(join(dir, CANCEL), "utf8")).toBe(beforeGroup);
    await shot("08-after-undo");
  });

  it("shows an entity's fields, invariants and its status machine as a state diagram", async () => {
    await page.goto(`${studio.url}/#/entities/Reservation`);
    await page.waitForSelector(byTest("state-diagram"));
    for (const state of ["pending", "confirmed", "completed", "cancelled"]) await page.waitForSelector(byTest(`state-${state}`));
    expect(await page.locator(`${byTest("state-diagram")} .react-flow__edge`).count()).toBe(4);
    expect(await page.textContent(byTest("enforced-endAfterStart"))).toContain("CHECK");
    expect(await page.textContent(byTest("enforced-stayAtMostThirtyNights"))).toContain("executor");
    await shot("09-entity");
  });

  it("an edit in the YAML view reaches the canvas", async () => {
    await page.goto(`${studio.url}/#/tools/createRoom`);
    await page.waitForSelector(byTest("node-room"));
    const text = await yamlText();
    const edited = text.replace(
      "    - { id: tx, type: transaction, nodes: [room] }",
      '    - { id: tx, type: transaction, nodes: [room] }\n    - { id: echo, type: transform, value: "nodes.room.number" }\n  edges:\n    - { from: room, to: echo }',
    );
    expect(edited).not.toBe(text);
    await page.fill(byTest("yaml-view"), edited);
    await until(async () => (await toolView("createRoom")).yaml === edited);
    await page.waitForSelector(`${byTest("node-echo")}[data-risk="green"]`);
    await page.waitForSelector('[data-testid="rf__edge-room->echo"]', { state: "attached" });
    expect(await page.inputValue(byTest("yaml-view"))).toBe(edited);
    await shot("10-yaml-edit");
  });

  it("copy and paste keep the edge between the pasted nodes", async () => {
    await page.goto(`${studio.url}/#/tools/cancelReservation`);
    await page.waitForSelector(byTest("node-owner"));
    await page.click(`${byTest("node-owner")} .step-head`);
    await page.click(`${byTest("node-cancellable")} .step-head`, { modifiers: ["Control"] });
    await page.waitForSelector(`${byTest("node-cancellable")}.selected`);
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    await page.waitForFunction(`document.querySelectorAll('[data-testid^="node-owner"]').length === 2`);
    const view = await toolView("cancelReservation");
    const owners = view.nodes.filter((n) => n.id !== "owner" && n.type === "policyCheck");
    const asserts = view.nodes.filter((n) => n.id !== "cancellable" && n.type === "assert");
    expect(owners).toHaveLength(1);
    expect(asserts).toHaveLength(1);
    expect(view.edges).toContainEqual({ from: owners[0]!.id, to: asserts[0]!.id });
    await page.waitForSelector(`[data-testid="rf__edge-${owners[0]!.id}->${asserts[0]!.id}"]`);
    await shot("11-pasted");
  });

  it("configures a node through its form, nests a retry scope, ungroups it, and undoes and redoes with the buttons", async () => {
    await page.goto(`${studio.url}/#/tools/registerCustomer`);
    await page.click(`${byTest("node-customer")} .step-head`);
    await page.waitForSelector(`${byTest("inspector")}[data-node="customer"]`);
    await page.fill(byTest("field-description"), "Front desk registration");
    await page.click(byTest("apply"));
    await until(
      async () =>
        (await toolView("registerCustomer")).nodes.find((n) => n.id === "customer")!.spec.description === "Front desk registration",
    );
    await page.waitForSelector(`${byTest("apply")}:disabled`);

    await page.click(`${byTest("node-customer")} .step-head`);
    await page.click(byTest("group-retry"));
    await page.waitForSelector('[data-scope-type="retry"]');
    const retry = (await toolView("registerCustomer")).scopes.find((s) => s.type === "retry")!;
    expect(retry).toMatchObject({ parent: "tx", members: ["customer"] });
    await shot("13-nested-retry");

    await page.click(`${byTest(`scope-${retry.id}`)} .scope-title`);
    await page.waitForSelector(byTest("scope-inspector"));
    await page.click(byTest("ungroup"));
    await page.waitForSelector('[data-scope-type="retry"]', { state: "detached" });
    await page.click(byTest("undo"));
    await page.waitForSelector('[data-scope-type="retry"]');
    await page.click(byTest("redo"));
    await page.waitForSelector('[data-scope-type="retry"]', { state: "detached" });
  });

  it("removes the selected node with the Delete key; Ctrl+Z brings it back", async () => {
    await page.click(`${byTest("node-customer")} .step-head`);
    await page.keyboard.press("Delete");
    await page.waitForSelector(byTest("node-customer"), { state: "detached" });
    expect((await toolView("registerCustomer")).nodes.map((n) => n.id)).not.toContain("customer");
    await page.click(".react-flow__pane");
    await page.keyboard.press("Control+z");
    await page.waitForSelector(byTest("node-customer"));
  });

  it("a dragged node stays where it was put, through auto-layout and a reload", async () => {
    await page.goto(`${studio.url}/#/tools/createReservation`);
    const node = page.locator('.react-flow__node[data-id="room"]');
    await node.waitFor();
    const before = (await node.boundingBox())!;
    await page.mouse.move(before.x + 40, before.y + 12);
    await page.mouse.down();
    await page.mouse.move(before.x + 60, before.y + 100, { steps: 8 });
    await page.mouse.move(before.x + 80, before.y + 180, { steps: 8 });
    await page.mouse.up();
    await page.waitForSelector(byTest("unpin"));
    const transform = async () => node.evaluate((element) => element.getAttribute("style")?.match(/translate\([^)]*\)/)?.[0]);
    const moved = await transform();
    await page.click(byTest("auto-layout"));
    await page.waitForTimeout(300);
    expect(await transform()).toBe(moved);
    await page.reload();
    await node.waitFor();
    expect(await transform()).toBe(moved);
    await shot("14-pinned");
    await page.click(byTest("unpin"));
    await page.waitForSelector(byTest("unpin"), { state: "detached" });
    expect(await transform()).not.toBe(moved);
  });

  it("lists the changes against --from and highlights changed nodes", async () => {
    await page.goto(`${studio.url}/#/diff`);
    await page.waitForSelector(byTest("diff-tool-createRoom"));
    await shot("12-diff");
    await page.goto(`${studio.url}/#/tools/createRoom`);
    await page.waitForSelector(`${byTest("node-echo")}[data-change="added"]`);
  });
  it("disconnects a selected edge with the Delete key", async () => {
    await page.goto(`${studio.url}/#/tools/createRoom`);
    await page.waitForSelector(byTest("node-echo"));
    await page.waitForTimeout(300);
    // The edge runs straight from room's output to echo's input: click halfway.
    const a = (await page.locator('.react-flow__node[data-id="room"] .react-flow__handle.source').boundingBox())!;
    const b = (await page.locator('.react-flow__node[data-id="echo"] .react-flow__handle.target').boundingBox())!;
    await page.mouse.click((a.x + a.width / 2 + b.x + b.width / 2) / 2, (a.y + a.height / 2 + b.y + b.height / 2) / 2);
    await page.waitForSelector('[data-testid="rf__edge-room->echo"].selected', { state: "attached" });
    await page.keyboard.press("Delete");
    await page.waitForSelector('[data-testid="rf__edge-room->echo"]', { state: "detached" });
    expect((await toolView("createRoom")).edges).toEqual([]);
  });
  it("connects a branch's outcome: the edge carries the label", async () => {
    await page.click(byTest("palette-if"));
    await page.fill(byTest("field-id"), "gate");
    await page.fill(byTest("field-condition"), "input.capacity > 4");
    await page.click(byTest("add-node"));
    await page.waitForSelector(byTest("node-gate"));
    await page.click(".react-flow__controls-fitview");
    await connect("gate", "echo", "false");
    await until(async () => (await toolView("createRoom")).edges.some((e) => e.from === "gate" && e.to === "echo" && e.when === "false"));
    await page.click(".react-flow__controls-fitview");
    await connect("room", "gate");
    await page.waitForSelector(`${byTest("node-echo")}[data-risk="green"]`);
    await page.waitForSelector('[data-testid="rf__edge-gate->echo"] .react-flow__edge-text', { state: "attached" });
    expect(await page.textContent('[data-testid="rf__edge-gate->echo"] .react-flow__edge-text')).toBe("false");
    await page.click(".react-flow__controls-fitview");
    await shot("15-branch");
  });
});

/** Where an element is once two reads 100 ms apart agree (at most 10 s): a drag aimed at a moving handle misses it. */
async function restingBox(element: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await element.boundingBox();
  for (let waited = 0; waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await element.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y && now.width === last.width) return now;
    last = now;
  }
  throw new Error("the element never came to rest on the canvas");
}

/** Drags from a node's output handle to another node's input handle, as a user connects two nodes. */
async function connect(from: string, to: string, outcome?: string): Promise<void> {
  const handle = outcome === undefined ? "" : `[data-handleid="${outcome}"]`;
  const source = page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source${handle}`).first();
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`).first();
  // The canvas may still be moving (fit view, auto-layout after the last edit): drag between where the handles came to rest.
  const a = await restingBox(source);
  const b = await restingBox(target);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}
