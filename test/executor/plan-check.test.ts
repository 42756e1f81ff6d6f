/**
 * Governance bound to what runs: the executor's entry point, `main(env)` as the image runs it,
 * with a manifest written to a temporary folder. FASCIA_PLAN_HASH other than the manifest's plan
 * hash → exit 3 and one ERROR line naming both hashes and what to do, before the database is
 * touched (serve and migrate); the right hash → it serves / migrates; unset → it runs and a
 * warning says the manifest is unchecked; governed, the specs are not checked again at startup. Also: the plan hash ignores the manifest's `source`
 * (the build folder's path) and changes with anything else.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DestinationStream } from "pino";
import { compileSpecSet } from "../../build/compile-app";
import { specsFromObjects } from "../../components/spec-input";
import { EXIT } from "../../contracts/exit-codes";
import { manifestPlanHash, readManifest, writeManifest, type AppManifest } from "../../executor/app/manifest";
import { main } from "../../executor/main";
import * as load from "../../loader/load";
import { GREEN_TOOL, ITEM } from "../components/support/small-app";
import { createPgDatabase, testDrivers, type TestDatabase } from "../support/databases";

const OTHER_HASH = "f".repeat(64);

function capture(): DestinationStream & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (text: string) => void lines.push(JSON.parse(text) as Record<string, unknown>) };
}

let dir: string;
let manifestPath: string;
let manifest: AppManifest;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fascia-plan-check-"));
  manifestPath = join(dir, "manifest.json");
  manifest = compileSpecSet(specsFromObjects([ITEM, GREEN_TOOL], "plan-check"), "plan-check specs");
  writeManifest(manifestPath, manifest);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the plan hash of a manifest", () => {
  it("is the same in memory and read back from manifest.json, whatever its source path", () => {
    const hash = manifestPlanHash(manifest);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifestPlanHash(readManifest(manifestPath))).toBe(hash);
    expect(manifestPlanHash({ ...manifest, source: "/home/someone/else/specs" })).toBe(hash);
  });

  it("changes with the specs, a plan or a risk verdict", () => {
    const hash = manifestPlanHash(manifest);
    const renamed = { ...manifest, specs: { ...manifest.specs, entities: [{ ...ITEM, description: "changed" }] } };
    expect(manifestPlanHash(renamed)).not.toBe(hash);
    const plan = manifest.plans[GREEN_TOOL.name]!;
    expect(manifestPlanHash({ ...manifest, plans: { [GREEN_TOOL.name]: { ...plan, deadline: { ...plan.deadline, ms: 1 } } } })).not.toBe(
      hash,
    );
    expect(manifestPlanHash({ ...manifest, risk: { [GREEN_TOOL.name]: { level: "red", deployable: false } } })).not.toBe(hash);
  });
});

(testDrivers().includes("pg") ? describe : describe.skip)("main(env) checks FASCIA_PLAN_HASH (PostgreSQL)", () => {
  let test: TestDatabase;
  let serveEnv: Record<string, string>;
  const ledgerExists = async () =>
    (await test.db.query<{ t: string | null }>(`SELECT to_regclass('public.fascia_migrations')::text AS t`)).rows[0]!.t !== null;

  beforeAll(async () => {
    test = await createPgDatabase();
    serveEnv = {
      FASCIA_APP_MANIFEST: manifestPath,
      FASCIA_DB_URL: test.url,
      FASCIA_DB_POOL_MAX: "2",
      // Never fetched: no request carries a token in these tests.
      FASCIA_AUTH_ISSUER: "https://issuer.plan-check.test",
      FASCIA_AUTH_AUDIENCE: "plan-check",
      FASCIA_AUTH_JWKS_URL: "http://127.0.0.1:1/jwks",
      PORT: "0",
    };
  }, 30_000);
  afterAll(async () => test?.drop());

  it.each(["serve", "migrate"] as const)(
    "%s: another plan hash → exit 3, one line naming both hashes and the fix, the database untouched",
    async (mode) => {
      const log = capture();
      const failures = capture();
      const stop = jest.fn(() => Promise.resolve("SIGTERM"));
      const code = await main({ ...serveEnv, FASCIA_RUN: mode, FASCIA_PLAN_HASH: OTHER_HASH }, { log, failures, stop });
      expect(code).toBe(EXIT.refused);
      expect(stop).not.toHaveBeenCalled();
      expect(log.lines).toEqual([]);
      expect(failures.lines).toEqual([
        expect.objectContaining({
          severity: "ERROR",
          mode,
          planHash: OTHER_HASH,
          manifestPlanHash: manifestPlanHash(manifest),
          manifest: manifestPath,
          message: expect.stringMatching(
            mode === "serve" ? /^the executor refuses to start: / : /^the migration job refuses to run, nothing was applied: /,
          ),
        }),
      ]);
      const message = failures.lines[0]!.message as string;
      expect(message).toContain(`plan hash ${manifestPlanHash(manifest)}`);
      expect(message).toContain(`governed plan ${OTHER_HASH} (FASCIA_PLAN_HASH)`);
      expect(message).toMatch(/Rebuild it with `fascia build <specDir> --out <folder>` from the specs the deployment names/);
      expect(await ledgerExists()).toBe(false);
      // Decided before connecting: an unreachable database makes no difference.
      const unreachable = {
        ...serveEnv,
        FASCIA_DB_URL: "postgres://postgres@127.0.0.1:1/none",
        FASCIA_RUN: mode,
        FASCIA_PLAN_HASH: OTHER_HASH,
      };
      expect(await main(unreachable, { log: capture(), failures: capture(), stop })).toBe(EXIT.refused);
    },
  );

  it("migrate: the manifest's plan hash → migrates and logs the checked plan", async () => {
    const log = capture();
    const failures = capture();
    const planHash = manifestPlanHash(manifest);
    expect(await main({ ...serveEnv, FASCIA_RUN: "migrate", FASCIA_PLAN_HASH: planHash }, { log, failures })).toBe(EXIT.ok);
    expect(failures.lines).toEqual([]);
    expect(log.lines).toEqual([
      expect.objectContaining({ severity: "INFO", app: expect.stringMatching(/^applied 0001_/), planHash, planChecked: true }),
    ]);
    expect(await ledgerExists()).toBe(true);
  });

  it("serve: the manifest's plan hash → serves until stopped, exit 0", async () => {
    const log = capture();
    const failures = capture();
    const planHash = manifestPlanHash(manifest);
    let stopNow!: (signal: string) => void;
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const stop = () => {
      ready();
      return new Promise<string>((resolve) => (stopNow = resolve));
    };
    const checks = jest.spyOn(load, "loadSpecObjects");
    const running = main({ ...serveEnv, FASCIA_PLAN_HASH: planHash }, { log, failures, stop });
    await started;
    const specChecks = checks.mock.calls.length;
    checks.mockRestore();
    const line = log.lines.find((l) => typeof l.address === "string")!;
    expect(line).toMatchObject({ severity: "INFO", planHash, planChecked: true, tools: 1 });
    expect((await fetch(`${line.address as string}/healthz`)).status).toBe(200);
    stopNow("SIGTERM");
    expect(await running).toBe(EXIT.ok);
    expect(failures.lines).toEqual([]);
    expect(log.lines.some((l) => l.severity === "WARNING")).toBe(false);
    // Governed: the plan hash proves the specs are the ones the compiler checked; they are not checked again.
    expect(specChecks).toBe(0);
  });

  it("unset: serves and migrates unchecked, with a warning naming the manifest's plan hash", async () => {
    const planHash = manifestPlanHash(manifest);
    const migrateLog = capture();
    expect(await main({ ...serveEnv, FASCIA_RUN: "migrate" }, { log: migrateLog, failures: capture() })).toBe(EXIT.ok);
    const serveLog = capture();
    const checks = jest.spyOn(load, "loadSpecObjects");
    expect(await main(serveEnv, { log: serveLog, failures: capture(), stop: () => Promise.resolve("SIGTERM") })).toBe(EXIT.ok);
    // Unchecked: the specs are checked again, as this executor's loader checks them.
    expect(checks).toHaveBeenCalledTimes(1);
    checks.mockRestore();
    for (const lines of [migrateLog.lines, serveLog.lines]) {
      expect(lines[0]).toMatchObject({
        severity: "WARNING",
        planHash,
        planChecked: false,
        message: expect.stringMatching(/^FASCIA_PLAN_HASH is not set: the manifest runs unchecked/),
      });
      expect(lines[1]).toMatchObject({ severity: "INFO", planHash, planChecked: false });
    }
  });
});
