/**
 * Chat Studio's panel in real headless Chromium, on a copy of the example: ask for a change, see each
 * document's diff with the proposal's risk, accept one document and reject the other; Save writes
 * exactly the accepted document (every other byte as it was) and nothing of the rejected one; Undo
 * restores the file, and Save writes it back. A failed proposal lists its diagnostics and offers no
 * Accept. Screenshots of each state: test-results/chat/*.png.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { modelSettings } from "../../assistant";
import type { ChatView } from "../../studio/protocol";
import { studioAssistant } from "../../studio/chat/assistant";
import { startStudio, type Studio } from "../../studio/server";
import { byTest, screenshot } from "../support/chromium";
import { startModelServer, type ModelServer, type ScriptStep } from "../support/model-server";
import { studioInBrowser, type StudioInBrowser } from "../support/studio-in-browser";

const SHOTS = join(__dirname, "../../test-results/chat");
const KEY = "sk-test-chat-studio-browser-0123456789";
const ROOM = "tools/create-room.yaml";
const GUEST = "entities/guest.yaml";
const GUEST_YAML =
  "kind: Entity\nname: Guest\ndescription: A guest staying with a customer\nfields:\n  name: { type: string, maxLength: 100 }\n";
const DESCRIPTION = "description: Add a bookable room (staff only)";
const NEW_DESCRIPTION = "description: Add a bookable room; staff only, numbers unique";
/** The proposed tool also drops its timeout: Y005, the tool Green → Yellow (shown before anyone accepts it). */
const proposedRoom = (room: string) => room.replace(DESCRIPTION, NEW_DESCRIPTION).replace("timeout: 5s\n", "");
const REFUND_YAML = `kind: Tool
name: refundStay
trigger:
  http: { method: POST, path: /refunds }
auth: { roles: [staff] }
flow:
  nodes:
    - { id: load, type: read, entity: Refund, where: { id: "input.id" } }
`;

let setting: StudioInBrowser;
let model: ModelServer;
let dir: string;
let studio: Studio;
let page: Page;

const shot = (name: string) => screenshot(page, SHOTS, name);
const propose = (...documents: { file: string; kind: string; name: string; yaml: string }[]): ScriptStep => ({
  reply: { toolCalls: [{ name: "propose", input: { documents } }] },
});

beforeAll(async () => {
  model = await startModelServer();
  // The studio as a person starts it: the provider's key in the environment, the endpoint a base URL.
  const settings = modelSettings({ provider: "openai", model: "scripted-model", baseUrl: `${model.url}/v1` }, { OPENAI_API_KEY: KEY });
  setting = await studioInBrowser(SHOTS, { assistant: studioAssistant(settings) });
  ({ dir, studio, page } = setting);
  // The answer held back a moment, so the panel's "thinking…" can be seen.
  await page.route("**/api/chat/messages", async (route) => {
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.fulfill({ response });
  });
});

afterAll(async () => {
  await setting?.close();
  await model?.close();
});

describe("Chat Studio in the browser", () => {
  it("asks, shows each document's diff with the risk, accepts one and rejects the other; Save writes exactly the accepted one; Undo restores it", async () => {
    const room = readFileSync(join(dir, ROOM), "utf8");
    model.setScript([
      propose(
        { file: GUEST, kind: "Entity", name: "Guest", yaml: GUEST_YAML },
        { file: ROOM, kind: "Tool", name: "createRoom", yaml: proposedRoom(room) },
      ),
      { reply: { text: "I added a Guest entity and made createRoom's description say that room numbers are unique." } },
    ]);
    await page.goto(`${studio.url}/#/tools/createRoom`);
    await page.waitForSelector(byTest("node-room"));
    await page.click(byTest("chat-toggle"));
    await page.waitForSelector(byTest("chat-panel"));
    expect(await page.textContent(byTest("chat-model"))).toContain("scripted-model");
    await page.fill(byTest("chat-input"), "Add a Guest entity, and say in createRoom's description that room numbers are unique");
    await page.click(byTest("chat-send"));
    await page.waitForSelector(byTest("chat-thinking"));
    await shot("01-thinking");

    const guest = byTest(`proposal-doc-${GUEST}#0`);
    const tool = byTest(`proposal-doc-${ROOM}#0`);
    await page.waitForSelector(guest);
    await page.waitForSelector(byTest("chat-thinking"), { state: "detached" });
    expect(await page.getAttribute("section.proposal", "data-status")).toBe("valid");
    expect(await page.textContent(`${tool} .diff-line.removed`)).toContain(DESCRIPTION);
    expect(await page.textContent(`${tool} .diff-line.added`)).toContain(NEW_DESCRIPTION);
    expect(await page.locator(`${guest} .diff-line.added`).allTextContents()).toEqual(
      GUEST_YAML.trimEnd()
        .split("\n")
        .map((l) => `+${l}\n`),
    );
    // The risk on screen is the one the engine judged: every tool's move, and the migration the new entity needs.
    const [judged] = ((await (await fetch(`${studio.url}/api/chat`)).json()) as ChatView).proposals;
    for (const t of judged!.risk.tools) {
      expect(await page.getAttribute(byTest(`risk-tool-${t.tool}`), "data-after")).toBe(t.after ?? "none");
    }
    expect(await page.getAttribute(byTest("risk-tool-createRoom"), "data-before")).toBe("green");
    expect(await page.getAttribute(byTest("risk-tool-createRoom"), "data-after")).toBe("yellow");
    expect(await page.textContent(byTest("new-finding-Y005"))).toContain("createRoom");
    expect(judged!.risk.migration.length).toBeGreaterThan(0);
    const steps = await page.textContent(byTest("proposal-migration"));
    for (const step of judged!.risk.migration) expect(steps).toContain(step.summary);
    await shot("02-proposal");

    await page.click(`${tool} [data-testid^="accept-"]`);
    await page.waitForSelector(`${tool}[data-state="accepted"]`);
    await page.click(`${guest} [data-testid^="reject-"]`);
    await page.waitForSelector(`${guest}[data-state="rejected"]`);
    expect(await page.textContent(byTest("dirty"))).toContain("1 unsaved file");
    await shot("03-accepted-and-rejected");

    // Save: the tool's file is the accepted text, every other byte as it was; the rejected entity was never written.
    await page.click(byTest("save"));
    await page.waitForSelector(`${byTest("dirty")}[data-dirty="false"]`);
    expect(readFileSync(join(dir, ROOM), "utf8")).toBe(proposedRoom(room));
    expect(existsSync(join(dir, GUEST))).toBe(false);

    // Undo (the header's): one step puts the file back, and the document is pending again; Save writes it back.
    await page.click(byTest("undo"));
    await page.waitForSelector(`${tool}[data-state="pending"]`);
    await page.waitForSelector(`${tool} [data-testid^="accept-"]`);
    await page.click(byTest("save"));
    await page.waitForSelector(`${byTest("dirty")}[data-dirty="false"]`);
    expect(readFileSync(join(dir, ROOM), "utf8")).toBe(room);
    await shot("04-undone");
  });

  it("a failed proposal lists its diagnostics (file, line, field, message) and offers no Accept; the key is nowhere on the page", async () => {
    const refund = propose({ file: "tools/refund-stay.yaml", kind: "Tool", name: "refundStay", yaml: REFUND_YAML });
    model.setScript([refund, refund, refund]);
    await page.fill(byTest("chat-input"), "Add a refund tool");
    await page.keyboard.press("Enter");
    const failed = 'section.proposal[data-status="failed"]';
    await page.waitForSelector(failed);
    const diagnostics = (await page.locator(`${failed} ${byTest("proposal-diagnostic")}`).allTextContents()).join("\n");
    expect(diagnostics).toContain("tools/refund-stay.yaml:8");
    expect(diagnostics).toContain("tools/refund-stay.yaml:8 · flow.nodes[0].where.id");
    expect(diagnostics).toContain('unknown entity "Refund"');
    expect(await page.locator(`${failed} [data-testid^="accept-"]`).count()).toBe(0);
    expect(existsSync(join(dir, "tools/refund-stay.yaml"))).toBe(false);
    await shot("05-failed");
    expect(await page.content()).not.toContain(KEY);
  });

  it("without a model, the panel says how to configure one", async () => {
    const bare = await startStudio({ dir: setting.dir, port: 0, assetsDir: setting.assets });
    try {
      await page.goto(bare.url);
      await page.click(byTest("chat-toggle"));
      expect(await page.textContent(byTest("chat-unconfigured"))).toContain("FASCIA_MODEL_PROVIDER");
      expect(await page.isDisabled(byTest("chat-send"))).toBe(true);
      await shot("06-unconfigured");
    } finally {
      await bare.close();
    }
  });
});
