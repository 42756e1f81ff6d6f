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
import type { Studio } from "../../studio/server";
import { byTest, screenshot } from "../support/chromium";
import { studioInBrowser, type StudioInBrowser } from "../support/studio-in-browser";
import { proposal, proposedDocument, scriptedAssistant } from "../studio/support/scripted-assistant";

const SHOTS = join(__dirname, "../../test-results/chat");
const ROOM = "tools/create-room.yaml";
const GUEST = "entities/guest.yaml";
const DESCRIPTION = "description: Add a bookable room (staff only)";
const NEW_DESCRIPTION = "description: Add a bookable room; staff only, numbers unique";

let setting: StudioInBrowser;
let dir: string;
let studio: Studio;
let page: Page;

const shot = (name: string) => screenshot(page, SHOTS, name);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const assistant = scriptedAssistant([
  // Slow enough for "thinking…" to be seen.
  async (files) => (
    await wait(600),
    {
      reply: "I added a Guest entity and made createRoom's description say that room numbers are unique.",
      proposal: proposal(
        "p1",
        [
          proposedDocument(files, {
            id: "guest",
            file: GUEST,
            docIndex: 0,
            kind: "Entity",
            name: "Guest",
            after: "kind: Entity\nname: Guest\nfields:\n  name: { type: string, maxLength: 100 }\n",
          }),
          proposedDocument(files, {
            id: "room",
            file: ROOM,
            docIndex: 0,
            kind: "Tool",
            name: "createRoom",
            after: files.get(ROOM)!.replace(DESCRIPTION, NEW_DESCRIPTION),
          }),
        ],
        {
          risk: {
            tools: [{ tool: "createRoom", before: "green", after: "green" }],
            newFindings: [],
            migration: [{ summary: "create table guest", level: "green" }],
          },
        },
      ),
    }
  ),
  (files) => ({
    reply: "The loader still refuses the refund tool after 3 rounds; I stopped there.",
    proposal: proposal(
      "p2",
      [
        proposedDocument(files, {
          id: "refund",
          file: "tools/refund.yaml",
          docIndex: 0,
          kind: "Tool",
          name: "refund",
          after: "kind: Tool\nname: refund\nflow:\n  nodes:\n    - { id: load, type: read, entity: Refund }\n",
        }),
      ],
      {
        status: "failed",
        rounds: 3,
        failure: "still invalid after 3 rounds",
        diagnostics: [{ file: "tools/refund.yaml", line: 5, path: "flow.nodes[0].entity", code: "FS024", message: 'no entity "Refund"' }],
      },
    ),
  }),
]);

beforeAll(async () => {
  setting = await studioInBrowser(SHOTS, { assistant });
  ({ dir, studio, page } = setting);
});

afterAll(async () => {
  await setting?.close();
});

describe("Chat Studio in the browser", () => {
  it("asks, shows each document's diff with the risk, accepts one and rejects the other; Save writes exactly the accepted one; Undo restores it", async () => {
    const room = readFileSync(join(dir, ROOM), "utf8");
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
    expect(await page.getAttribute(byTest("proposal-p1"), "data-status")).toBe("valid");
    expect(await page.textContent(`${tool} .diff-line.removed`)).toContain(DESCRIPTION);
    expect(await page.textContent(`${tool} .diff-line.added`)).toContain(NEW_DESCRIPTION);
    expect(await page.locator(`${guest} .diff-line.added`).count()).toBe(4);
    expect(await page.getAttribute(`${byTest("risk-tool-createRoom")} .badge >> nth=1`, "data-risk")).toBe("green");
    expect(await page.textContent(byTest("proposal-migration"))).toContain("create table guest");
    await shot("02-proposal");

    await page.click(byTest("accept-room"));
    await page.waitForSelector(`${tool}[data-state="accepted"]`);
    await page.click(byTest("reject-guest"));
    await page.waitForSelector(`${guest}[data-state="rejected"]`);
    expect(await page.textContent(byTest("dirty"))).toContain("1 unsaved file");
    await shot("03-accepted-and-rejected");

    // Save: the tool's file is the accepted text, every other byte as it was; the rejected entity was never written.
    await page.click(byTest("save"));
    await page.waitForSelector(`${byTest("dirty")}[data-dirty="false"]`);
    expect(readFileSync(join(dir, ROOM), "utf8")).toBe(room.replace(DESCRIPTION, NEW_DESCRIPTION));
    expect(existsSync(join(dir, GUEST))).toBe(false);

    // Undo (the header's): one step puts the file back, and the document is pending again; Save writes it back.
    await page.click(byTest("undo"));
    await page.waitForSelector(`${tool}[data-state="pending"]`);
    await page.waitForSelector(byTest("accept-room"));
    await page.click(byTest("save"));
    await page.waitForSelector(`${byTest("dirty")}[data-dirty="false"]`);
    expect(readFileSync(join(dir, ROOM), "utf8")).toBe(room);
    await shot("04-undone");
  });

  it("a failed proposal lists its diagnostics (file, line, field, message) and offers no Accept", async () => {
    await page.fill(byTest("chat-input"), "Add a refund tool");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${byTest("proposal-p2")}[data-status="failed"]`);
    const diagnostic = await page.textContent(`${byTest("proposal-p2")} ${byTest("proposal-diagnostic")}`);
    expect(diagnostic).toContain("tools/refund.yaml:5 · flow.nodes[0].entity");
    expect(diagnostic).toContain('no entity "Refund"');
    await page.waitForSelector(byTest("proposal-doc-tools/refund.yaml#0"));
    expect(await page.locator(`${byTest("proposal-p2")} [data-testid^="accept-"]`).count()).toBe(0);
    await shot("05-failed");
  });
});
