/** `fascia plan` and `fascia graph` as a user runs them, in process with captured output. */
import { runCli } from "../../cli/main";
import { PLAN_VERSION } from "../../compiler/flow/plan";
import type { CliIO } from "../../cli/io";

async function run(argv: string[], isTTY = false): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (s) => out.push(s), err: (s) => err.push(s), isTTY };
  const code = await runCli(argv, io);
  return { code, out: out.join(""), err: err.join("\n") };
}

const SHOP = "test/risk/fixtures/shop";

describe("fascia plan", () => {
  it("exits 0 on the example app, printing every tool's level, concurrency and plan, then the summary", async () => {
    const { code, out, err } = await run(["plan", "examples/reservations"]);
    expect([code, err]).toEqual([0, ""]);
    expect(out).toContain("confirmReservation  YELLOW  deployable (1 acknowledged)");
    expect(out).toContain("  concurrency: rowLock — load reads the Reservation row FOR UPDATE");
    expect(out).toContain("      charge         payment charge · timeout 5s, 3 attempts, budget 15.6s · arms refund");
    expect(out.trimEnd().split("\n").at(-1)).toBe("8 tools: 5 green, 3 yellow, 0 red (every tool may deploy)");
    expect(out).not.toContain("\u001b[");
  });

  it("colours only on a TTY", async () => {
    expect((await run(["plan", "examples/reservations"], true)).out).toContain("\u001b[");
  });

  it("exits 1 when a tool is Red or has an unacknowledged Yellow", async () => {
    const { code, out } = await run(["plan", SHOP]);
    expect(code).toBe(1);
    expect(out).toContain("resetTotals  RED  NOT deployable");
    expect(out).toContain("3 tools: 1 green, 1 yellow, 1 red (1 not deployable)");
  });

  it("--json prints the risk-rules shape with the plans", async () => {
    const { code, out } = await run(["plan", SHOP, "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.tools.map((t: { name: string; risk: string; deployable: boolean }) => [t.name, t.risk, t.deployable])).toEqual([
      ["placeOrder", "green", true],
      ["resetTotals", "red", false],
      ["shipOrder", "yellow", true],
    ]);
    expect(report.summary).toEqual({ tools: 3, green: 1, yellow: 1, red: 1, deployable: false });
    expect(report.plans.shipOrder.planVersion).toBe(PLAN_VERSION);
    expect(report.plans.shipOrder.order).toEqual(["load", "isPaid", "book", "ship"]);
    expect(report.migrations).toBeNull();
  });

  it("--markdown prints the pull-request comment", async () => {
    const { out } = await run(["plan", SHOP, "--markdown"]);
    expect(out).toMatch(/^## Fascia risk report\n\n\*\*3 tools: 1 green, 1 yellow, 1 red\*\* — ⛔ not deployable/);
  });

  it("is a usage error (2) with both --json and --markdown, or a missing directory", async () => {
    expect(await run(["plan", SHOP, "--json", "--markdown"])).toEqual({
      code: 2,
      out: "",
      err: "fascia plan: choose one of --json and --markdown",
    });
    expect(await run(["plan", "no/such/dir"])).toEqual({ code: 2, out: "", err: "fascia plan: no/such/dir does not exist" });
  });

  it("exits 1 with the diagnostics when the specs are invalid", async () => {
    const { code, err } = await run(["plan", "test/loader/corpus/many-errors-sorted"]);
    expect(code).toBe(1);
    expect(err).toMatch(/error FS\d{3}/);
    expect(err).toContain("fix them first (fascia validate test/loader/corpus/many-errors-sorted)");
  });

  it("has --help", async () => {
    const { code, out } = await run(["plan", "--help"]);
    expect(code).toBe(0);
    expect(out).toContain("Usage: fascia plan [options] <dir>");
    expect(out).toContain("--from <previous-dir>");
    expect(out).toContain("--markdown");
  });
});

describe("fascia graph", () => {
  it("prints the flow as Mermaid with risk marks", async () => {
    const { code, out } = await run(["graph", SHOP, "resetTotals"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^---\ntitle: "resetTotals: red \(not deployable\) · tool: ⚠ Y005 ⚠ Y008"\n---\nflowchart TD\n/);
    expect(out).toContain('n_reset["reset<br/>sql<br/>⛔ R001 ⛔ R002"]');
    expect(out).toContain("class n_reset red");
  });

  it("names the tools when the one asked for does not exist (usage error)", async () => {
    const { code, err } = await run(["graph", SHOP, "shipOrdr"]);
    expect(code).toBe(2);
    expect(err).toBe(
      'fascia graph: no tool "shipOrdr" in test/risk/fixtures/shop; did you mean "shipOrder"? (tools: placeOrder, resetTotals, shipOrder)',
    );
  });

  it("has --help", async () => {
    const { code, out } = await run(["graph", "--help"]);
    expect(code).toBe(0);
    expect(out).toContain("Usage: fascia graph [options] <dir> <tool>");
  });
});
