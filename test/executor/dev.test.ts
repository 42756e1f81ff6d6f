import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/main";
import type { DevApp } from "../../dev/dev-app";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { tryReservations } from "../../scripts/try-reservations";
import { eventually } from "../support/eventually";
import { copyExample, startQuietDevApp } from "../support/example-dev-app";

// `npm start` is `fascia dev examples/reservations`: here the same app on a copy of the example,
// embedded PGlite in its .fascia/ folder, driven by the walk-through script a user runs.
describe("fascia dev on the example app", () => {
  const dir = mkdtempSync(join(tmpdir(), "fascia-dev-"));
  const app = join(dir, "reservations");
  let dev: DevApp;
  const events: string[] = [];
  beforeAll(async () => {
    dev = await startQuietDevApp(copyExample(app), { onEvent: (line) => events.push(line) });
  });
  afterAll(async () => {
    await dev?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves every tool offline: the walk-through script succeeds step by step", async () => {
    const steps = await tryReservations(dev.url, app, () => {});
    const refused = steps.filter((s) => s.status !== 200);
    expect(refused.map((s) => [s.name, s.status, (s.body as { error: { code: string } }).error.code])).toEqual([
      ["a stay starting on a day already over is refused (DATE_IN_PAST)", 422, "DATE_IN_PAST"],
    ]);
    expect(steps.find((s) => s.name.includes("cancels"))!.body).toMatchObject({ status: "cancelled", refunded: true });
    // The local peers saw the effects: one charge refunded, confirmation mails, the ops call. The
    // refund, the mails and the ops call run after their commits, from the outbox: soon, not at once.
    await eventually("the outbox's deliveries", () =>
      dev.payments.refunds().length >= 1 && dev.mail.messages().length >= 2 && dev.http.calls().length >= 1 ? true : undefined,
    );
    expect(dev.payments.charges()).toHaveLength(1);
    expect(dev.payments.refunds().map((r) => r.paymentIntent)).toEqual([dev.payments.charges()[0]!.id]);
    expect(dev.mail.messages().map((m) => m.subject)).toEqual(["Your reservation is pending", "Your reservation is pending"]);
    expect(dev.http.calls().map((c) => `${c.method} ${c.url}`)).toEqual(["POST https://ops.example.com/hooks/nightly"]);
    expect(events.filter((e) => /^scheduler: completeStays at \S+ → 200$/.test(e))).toHaveLength(1);
  });

  it("keeps its embedded database and signing key in the app's .fascia/ folder", () => {
    expect(dev.databaseUrl).toBe(`pglite:${join(app, ".fascia", "db")}`);
    expect(existsSync(join(app, ".fascia", "signing-key.json"))).toBe(true);
    expect(existsSync(join(app, ".fascia", "dev-secrets.json"))).toBe(true);
  });

  it("audited every invocation of the walk-through in an unbroken chain", async () => {
    // PGlite is held by the dev app's process, so verify through its own database handle.
    const verification = await verifyAuditLog(dev.server.executor.db);
    expect(verification.broken).toBeUndefined();
    expect(verification.records).toBeGreaterThanOrEqual(10);
  });
});

describe("fascia dev (usage)", () => {
  const io = () => ({ out: () => {}, err: () => {}, isTTY: false });
  it("is a usage error for a missing dir or a bad port, and has --help", async () => {
    expect(await runCli(["dev", "no/such/dir"], io())).toBe(2);
    expect(await runCli(["dev", "examples/reservations", "--port", "http"], io())).toBe(2);
    expect(await runCli(["dev", "--help"], io())).toBe(0);
  });

  it("refuses invalid specs with their diagnostics (exit 1)", async () => {
    const err: string[] = [];
    expect(await runCli(["dev", "test/loader/corpus/fs018-cycle"], { out: () => {}, err: (t) => err.push(t), isTTY: false })).toBe(1);
    expect(err.join("\n")).toMatch(/error FS018: .*cycle/);
  });
});
