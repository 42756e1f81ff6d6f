/**
 * The operator API after the example's walk-through (scripts/try-reservations.ts) against
 * `fascia dev`, on PostgreSQL and PGlite, read with the dev app's operator token: every page of
 * the list, every invocation, the chain, the metrics, the deployment and the settings. No body
 * holds a pii value the walk-through sent, a secret's value or a token.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { runCli } from "../../cli/main";
import { startDevApp, type DevApp } from "../../dev/dev-app";
import { DEV_SECRETS_FILE } from "../../dev/dev-secrets";
import {
  invocationPath,
  OPERATOR_PATHS,
  type ChainVerification,
  type InvocationDetail,
  type InvocationPage,
  type InvocationSummary,
} from "../../contracts/operator-api";
import { tryReservations } from "../../scripts/try-reservations";
import { createPgDatabase, describeEachDriver, type TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";

/** The pii the walk-through sends (Customer.email, marked pii in examples/reservations/entities/customer.yaml). */
const PII = ["ada@example.com"];
/** A JWT's header and payload, base64url JSON: no token of any caller may come back. */
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/;

describeEachDriver("the operator API after the example's walk-through", (driver) => {
  const dir = mkdtempSync(join(tmpdir(), "fascia-operator-"));
  const app = join(dir, "reservations");
  let pg: TestDatabase | undefined;
  let dev: DevApp;
  beforeAll(async () => {
    cpSync("examples/reservations", app, { recursive: true, filter: (src) => !src.includes(".fascia") });
    pg = driver === "pg" ? await createPgDatabase() : undefined;
    dev = await startDevApp({
      dir: app,
      port: 0,
      cron: false,
      ...(pg ? { db: pg.url } : {}),
      logDestination: new Writable({ write: (_c, _e, done) => done() }),
    });
    await tryReservations(dev.url, app, () => {});
    // The outbox's deliveries have records of their own: walk them too.
    await eventually("the outbox's deliveries", () =>
      dev.mail.messages().length >= 2 && dev.payments.refunds().length >= 1 && dev.http.calls().length >= 1 ? true : undefined,
    );
  }, 60_000);
  afterAll(async () => {
    await dev?.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async <T>(path: string): Promise<{ text: string; body: T }> => {
    const response = await fetch(`${dev.url}${path}`, { headers: { authorization: `Bearer ${dev.operatorToken}` } });
    const text = await response.text();
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return { text, body: JSON.parse(text) as T };
  };

  it("never answers with a pii value, a secret or a token", async () => {
    const texts: string[] = [];
    const items: InvocationSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await read<InvocationPage>(`${OPERATOR_PATHS.invocations}?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      texts.push(page.text);
      items.push(...page.body.items);
      cursor = page.body.next;
    } while (cursor);
    const details: InvocationDetail[] = [];
    for (const item of items) {
      const detail = await read<InvocationDetail>(invocationPath(item.invocationId));
      texts.push(detail.text);
      details.push(detail.body);
    }
    const verified = await read<ChainVerification>(OPERATOR_PATHS.auditVerify);
    expect(verified.body).toMatchObject({ verified: true });
    expect(verified.body.chains.filter((c) => c.checked > 0).every((c) => c.from === 1)).toBe(true);
    // A delivery may still be appended after the list was read, never one fewer.
    expect(verified.body.checked).toBeGreaterThanOrEqual(items.length);
    texts.push(verified.text);
    for (const path of [
      OPERATOR_PATHS.metrics,
      `${OPERATOR_PATHS.metrics}?tool=registerCustomer&step=600`,
      OPERATOR_PATHS.deployment,
      OPERATOR_PATHS.settings,
    ])
      texts.push((await read(path)).text);

    // The walk is all there: every kind of record, the registered customer's input masked as stored.
    expect(new Set(items.map((i) => i.kind))).toEqual(new Set(["invocation", "delivery", "replay"]));
    const registered = details.find((d) => d.tool === "registerCustomer")!;
    expect(registered.input).toMatchObject({ name: "Ada Lovelace", email: "***" });
    expect(details.filter((d) => d.trace).length).toBeGreaterThan(5);

    const secrets = Object.values(JSON.parse(readFileSync(join(app, ".fascia", DEV_SECRETS_FILE), "utf8")) as Record<string, string>);
    const forbidden = [...PII, ...secrets, dev.payments.apiKey, dev.staffToken, dev.operatorToken];
    for (const text of texts) {
      for (const value of forbidden) expect(text.includes(value) ? `${value} in ${text.slice(0, 200)}` : "").toBe("");
      expect(text).not.toMatch(JWT);
    }
  });

  it("opens to a token `fascia token <dir> --role operator` mints, and to no other role", async () => {
    const mint = async (role: string) => {
      const out: string[] = [];
      expect(await runCli(["token", app, "--sub", "me", "--role", role], { out: (t) => out.push(t), err: () => {}, isTTY: false })).toBe(0);
      return out.join("").trim();
    };
    const status = async (token: string) =>
      (await fetch(`${dev.url}${OPERATOR_PATHS.settings}`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await status(await mint("operator"))).toBe(200);
    expect(await status(await mint("staff"))).toBe(403);
  });
});
