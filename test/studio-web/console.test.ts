/**
 * The Console in real headless Chromium against `fascia dev` in-process, on a copy of the example:
 * the walk-through runs, the studio starts as `fascia studio` does by default (the dev executor, a
 * local operator token it mints itself), and the issue's scenario is checked: the confirm
 * invocation found in the live list and drawn on its flow with each node's state; the chain badge
 * "chain verified", then "broken at chain C record N" once that record is changed in the database. Then the
 * other states on their flows (a failed assert, a branch not taken), the metrics charts, the
 * deployment and settings panels, and the API docs. One dev app, one studio, one page.
 * Screenshots: test-results/console/*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { DevApp } from "../../dev/dev-app";
import { DEV_SECRETS_FILE } from "../../dev/dev-secrets";
import { buildStudioWeb } from "../../scripts/build-studio";
import { tryReservations } from "../../scripts/try-reservations";
import type { InvocationDetail, InvocationPage, NodeState } from "../../studio/protocol";
import { startStudio, type Studio } from "../../studio/server";
import { AUDIT_TABLE } from "../../executor/store/executor-schema";
import { byTest, launchChromium, openPage, screenshot } from "../support/chromium";
import { copyExample, startQuietDevApp } from "../support/example-dev-app";

const SHOTS = join(__dirname, "../../test-results/console");

let root: string;
let appDir: string;
let dev: DevApp;
let devStopped = false;
let studio: Studio;
let browser: Browser;
let page: Page;

const shot = (name: string) => screenshot(page, SHOTS, name);

/** Through the studio's proxy, as the page reads it. */
async function consoleGet<T>(path: string): Promise<T> {
  const response = await fetch(`${studio.url}/api/console${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function newest(tool: string, outcome?: string): Promise<InvocationDetail> {
  const list = await consoleGet<InvocationPage>(`/invocations?tool=${tool}${outcome ? `&outcome=${outcome}` : ""}`);
  // A redelivered webhook's replayed answer is a record of its own, without a trace: the invocation is the one that ran.
  const ran = list.items.find((item) => item.kind === "invocation")!;
  return consoleGet<InvocationDetail>(`/invocations/${ran.invocationId}`);
}

/** Each node's data-state on the canvas, read once every traced node is drawn. */
async function drawnStates(detail: InvocationDetail): Promise<Record<string, string | null>> {
  for (const node of detail.trace!.n) await page.waitForSelector(`${byTest(`node-${node.id}`)}[data-state]`);
  const states: Record<string, string | null> = {};
  for (const node of detail.trace!.n) states[node.id] = await page.getAttribute(byTest(`node-${node.id}`), "data-state");
  return states;
}

const traced = (detail: InvocationDetail) => Object.fromEntries(detail.trace!.n.map((n) => [n.id, n.s]));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "fascia-console-web-"));
  const app = (appDir = copyExample(join(root, "app")));
  const assets = join(root, "assets");
  mkdirSync(SHOTS, { recursive: true });
  [dev] = await Promise.all([startQuietDevApp(app), buildStudioWeb(assets)]);
  await tryReservations(dev.url, app, () => {});
  studio = await startStudio({ dir: app, port: 0, assetsDir: assets, console: { executor: dev.url } });
  browser = await launchChromium();
  page = await openPage(browser);
});

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  if (!devStopped) await dev?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the Console in the browser", () => {
  it("lists the walk-through's invocations, and a new call appears without a reload", async () => {
    await page.goto(`${studio.url}/#/console`);
    await page.waitForSelector(`${byTest("invocation-row")}[data-tool="confirmReservation"]`);
    expect(await page.textContent(byTest("console-executor"))).toContain("local operator token");
    await shot("01-invocations");

    const rooms = () => page.locator(`${byTest("invocation-row")}[data-tool="createRoom"]`).count();
    const before = await rooms();
    const created = await fetch(`${dev.url}/rooms`, {
      method: "POST",
      headers: { authorization: `Bearer ${dev.staffToken}`, "content-type": "application/json" },
      body: JSON.stringify({ number: "R-live", capacity: 2, nightlyRate: "80.00" }),
    });
    expect(created.status).toBe(200);
    await page.waitForFunction(
      `document.querySelectorAll('[data-testid="invocation-row"][data-tool="createRoom"]').length > ${before}`,
      undefined,
      {
        timeout: 6_000,
      },
    );

    await page.selectOption(byTest("filter-tool"), "confirmReservation");
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid="invocation-row"]')].every((row) => row.dataset.tool === "confirmReservation")`,
    );
    expect(await page.locator(byTest("invocation-row")).count()).toBeGreaterThan(0);
  });

  it("draws the confirm invocation on its flow, node by node, with the chain verified", async () => {
    const confirm = await newest("confirmReservation");
    await page.click(`${byTest("invocation-row")}[data-invocation-id="${confirm.invocationId}"]`);
    await page.waitForSelector(`${byTest("invocation-page")}[data-tool="confirmReservation"]`);
    const states = await drawnStates(confirm);
    expect(states).toEqual({ load: "ran", owner: "ran", mustBePending: "ran", charge: "ran", confirm: "ran" });
    expect(states).toEqual(traced(confirm));
    expect(await page.getAttribute(byTest("status-badge"), "data-status")).toBe("200");
    expect(await page.textContent(byTest("node-trace-charge"))).toMatch(/\d+(\.\d)? ms/);
    expect(await page.getAttribute(byTest("scope-tx"), "data-state")).toBe("commit");
    await page.waitForSelector(`${byTest("chain-badge")}[data-verified="true"]`);
    expect(await page.textContent(byTest("chain-badge"))).toBe("chain verified");
    await shot("02-confirm-on-its-flow");
  });

  it("turns the badge to 'broken at chain C record N' when that audit row is changed in the database", async () => {
    const confirm = await newest("confirmReservation");
    const db = dev.server.executor.db;
    await db.query(`ALTER TABLE "${AUDIT_TABLE}" DISABLE TRIGGER USER`);
    await db.query(`UPDATE "${AUDIT_TABLE}" SET "status" = 201 WHERE "chain" = $1 AND "seq" = $2`, [confirm.chain, confirm.chainSeq]);
    await db.query(`ALTER TABLE "${AUDIT_TABLE}" ENABLE TRIGGER USER`);
    await page.click(byTest("chain-verify"));
    await page.waitForSelector(`${byTest("chain-badge")}[data-verified="false"]`);
    expect(await page.textContent(byTest("chain-badge"))).toBe(`broken at chain ${confirm.chain} record ${confirm.chainSeq}`);
    await shot("03-chain-broken");
  });

  it("marks the failing node and what it never reached, and greys the branch not taken", async () => {
    const refused = await newest("createReservation", "422");
    await page.goto(`${studio.url}/#/console/invocations/${refused.invocationId}`);
    const states = await drawnStates(refused);
    expect(states).toEqual(traced(refused));
    expect(states.notPast).toBe("failed" satisfies NodeState);
    expect(Object.entries(states).filter(([id]) => id !== "notPast")).toEqual(
      ["customer", "room", "roomActive", "fits", "price", "create", "sendConfirmation"].map((id) => [id, "unreached"]),
    );
    await shot("04-failed-node");

    const webhook = await newest("paymentWebhook");
    await page.goto(`${studio.url}/#/console/invocations/${webhook.invocationId}`);
    const branch = await drawnStates(webhook);
    expect(branch).toEqual(traced(webhook));
    expect(branch.ignore).toBe("skipped" satisfies NodeState);
    expect(branch.route).toBe("ran" satisfies NodeState);
    // Both cases that lead to `load` are drawn, each from its own handle (one id each, not one hiding the other).
    for (const when of ["payment.failed", "payment.refunded"])
      await page.waitForSelector(`[data-testid="rf__edge-route->load:${when}"]`, { state: "attached" });
    await shot("05-branch-skipped");
  });

  it("charts each tool's rate, errors and latency", async () => {
    await page.goto(`${studio.url}/#/console/metrics`);
    await page.waitForSelector(`${byTest("chart-rate-confirmReservation")} canvas`);
    await page.waitForSelector(`${byTest("chart-latency-createReservation")} canvas`);
    expect(await page.textContent(byTest("metrics-tool-createReservation"))).toMatch(/1 error\b/);
    await shot("06-metrics");
  });

  it("shows the deployment's plan hash and pulumi commands, and each setting's pulumi config set", async () => {
    const confirm = await newest("confirmReservation");
    await page.goto(`${studio.url}/#/console/deployment`);
    await page.waitForSelector(byTest("plan-hash"));
    expect(await page.textContent(byTest("plan-hash"))).toBe(confirm.planHash);
    expect(await page.textContent(byTest("command-preview"))).toContain("pulumi preview");
    expect(await page.textContent(byTest("command-up"))).toContain("pulumi up");
    await shot("07-deployment");

    await page.goto(`${studio.url}/#/console/settings`);
    await page.waitForSelector(byTest("settings"));
    const commands = await page.locator(`${byTest("settings")} [data-testid^="config-set-"] code`).allTextContents();
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command).toMatch(/^pulumi config set /);
    // A secret shows as set, never as its value.
    const secrets = JSON.parse(readFileSync(join(appDir, ".fascia", DEV_SECRETS_FILE), "utf8")) as Record<string, string>;
    await page.locator(byTest("settings-secrets")).scrollIntoViewIfNeeded();
    expect(await page.textContent(`${byTest("settings-secrets")} ${byTest("setting-PAYMENTS_API_KEY")}`)).toContain("set");
    const text = (await page.textContent("body"))!;
    for (const [name, value] of Object.entries(secrets)) expect({ name, shown: text.includes(value) }).toEqual({ name, shown: false });
    await shot("08-settings");
  });

  it("renders the app's OpenAPI document as API docs, served by the studio", async () => {
    await page.goto(`${studio.url}/#/console/api`);
    await page.waitForSelector(`${byTest("api-docs")} .opblock-summary-path`);
    const paths = await page.locator(`${byTest("api-docs")} .opblock-summary-path`).allTextContents();
    expect(paths.map((p) => p.replace(/\u200b/g, ""))).toEqual(
      expect.arrayContaining(["/reservations", "/reservations/{reservationId}/confirm", "/rooms"]),
    );
    await shot("09-api-docs");
  });

  it("says plainly when the executor is not reachable", async () => {
    await dev.close();
    devStopped = true;
    await page.goto(`${studio.url}/#/console`);
    await page.waitForSelector(byTest("console-error"));
    expect(await page.textContent(byTest("console-error"))).toMatch(
      /^executor not reachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    expect(await page.textContent(byTest("live"))).toBe("not live");
    await shot("10-executor-down");
  });
});
