/**
 * The artefact the Cloud Run image carries, run the way the image runs it: `fascia build` writes
 * manifest.json + executor.js + Dockerfile into a folder outside the repository (so the bundle
 * cannot lean on node_modules), then `node executor.js` is spawned with FASCIA_* variables
 * against a real PostgreSQL database: migrate mode applies and is a no-op the second time, serve
 * mode answers /healthz, /readyz and real requests (a token from a loopback JWKS, the email to a
 * local SMTP catcher), every route the deployment targets is served, and startup refusals exit
 * non-zero naming what is missing.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import { insertStatement } from "../../compiler/schema/crud";
import { tableByEntity } from "../../compiler/schema/model";
import { toolRoute } from "../../contracts/routes";
import { manifestPlanHash, readManifest, type AppManifest } from "../../executor/app/manifest";
import { provideExecutorBundle } from "../../build/bundle-executor";
import { EXECUTOR_MIGRATIONS } from "../../executor/store/executor-schema";
import { DEFAULT_BASE_IMAGE } from "../../build/oci/executor-image";
import { startLocalMail, type LocalMail } from "../../dev/local-mail";
import { createPgDatabase, testDrivers, type TestDatabase } from "../support/databases";
import { eventually } from "../support/eventually";
import { specsFromObjects } from "../../components/spec-input";
import { assessSpecs } from "../../risk/engine";
import { findingsText } from "../../risk/report/finding";
import { GREEN_TOOL, ITEM, RED_TOOL, YELLOW_TOOL } from "../components/support/small-app";

const ISSUER = "https://issuer.bundle.test";
const AUDIENCE = "https://reservations.bundle.test";

function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), isTTY: false };
}

interface Spawned {
  child: ChildProcessWithoutNullStreams;
  /** Cloud Logging lines of stdout, parsed. */
  lines: Record<string, unknown>[];
  stderr(): string;
  exit: Promise<number | null>;
  /** The first stdout line for which `match` holds. */
  line(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

/** `node executor.js` in the image folder with exactly these variables (nothing inherited but PATH). */
function spawnBundle(dir: string, env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ["executor.js"], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } });
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    let newline: number;
    while ((newline = stdout.indexOf("\n")) >= 0) {
      const text = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const w of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exit,
    line: (match) =>
      new Promise((resolve, reject) => {
        const found = lines.find(match);
        if (found) return resolve(found);
        waiters.push({ match, resolve });
        void exit.then((code) => reject(new Error(`the executor exited (${code}) first:\n${stderr}`)));
      }),
  };
}

describe("fascia build", () => {
  it("refuses a folder that does not exist (usage) and specs with errors (naming file and line)", async () => {
    const out = mkdtempSync(join(tmpdir(), "fascia-build-"));
    const missing = captureIO();
    expect(await runCli(["build", join(out, "nowhere"), "--out", out], missing)).toBe(2);
    expect(missing.stderr.join("")).toMatch(/does not exist/);
    const specs = mkdtempSync(join(tmpdir(), "fascia-bad-specs-"));
    writeFileSync(join(specs, "thing.yaml"), "kind: Entity\nname: Thing\nfields:\n  size: { type: integr }\n");
    const bad = captureIO();
    expect(await runCli(["build", specs, "--out", out], bad)).toBe(1);
    expect(bad.stderr.join("\n")).toMatch(/thing\.yaml:4:\d+/);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
    rmSync(out, { recursive: true, force: true });
    rmSync(specs, { recursive: true, force: true });
  });

  it("refuses, writing nothing, when a tool may not deploy (Red, or Yellow unacknowledged), with the findings", async () => {
    const work = mkdtempSync(join(tmpdir(), "fascia-build-refused-"));
    for (const [label, tool] of [
      ["red", RED_TOOL],
      ["yellow", YELLOW_TOOL],
    ] as const) {
      const specs = join(work, label);
      mkdirSync(specs);
      for (const spec of [ITEM, GREEN_TOOL, tool]) writeFileSync(join(specs, `${spec.name}.json`), JSON.stringify(spec));
      const out = join(work, `${label}-image`);
      const io = captureIO();
      expect(await runCli(["build", specs, "--out", out], io)).toBe(1);
      expect(existsSync(out)).toBe(false);
      expect(io.stdout).toEqual([]);
      const [refused] = assessSpecs(specsFromObjects([ITEM, GREEN_TOOL, tool], label)).filter((a) => a.name === tool.name);
      const stderr = io.stderr.join("\n");
      expect(stderr).toMatch(/^fascia build: 1 of 2 tools may not deploy, so no image was built:\n/);
      expect(stderr).toContain(`tool ${tool.name} may not deploy: it is ${label.toUpperCase()}`);
      // The shared renderer's lines, every finding with its hint.
      expect(stderr).toContain(findingsText(refused!.findings));
      expect(stderr).not.toContain(GREEN_TOOL.name);
    }
    rmSync(work, { recursive: true, force: true });
  });

  it("in an installed package (no sources to bundle) copies the prebuilt bundle and its map, or says it is missing", async () => {
    const installed = mkdtempSync(join(tmpdir(), "fascia-installed-"));
    const out = join(installed, "out");
    await expect(provideExecutorBundle(out, installed)).rejects.toThrow(
      /dist\/executor\/executor\.js is missing and there are no sources to bundle/,
    );
    mkdirSync(join(installed, "dist", "executor"), { recursive: true });
    writeFileSync(join(installed, "dist", "executor", "executor.js"), "/* prebuilt */\n");
    writeFileSync(join(installed, "dist", "executor", "executor.js.map"), "{}");
    const copied = await provideExecutorBundle(out, installed);
    expect(copied.how).toBe(`copied ${join(installed, "dist", "executor", "executor.js")}`);
    expect(readFileSync(join(out, "executor.js"), "utf8")).toBe("/* prebuilt */\n");
    expect(existsSync(join(out, "executor.js.map"))).toBe(true);
    rmSync(installed, { recursive: true, force: true });
  });
});

(testDrivers().includes("pg") ? describe : describe.skip)("the executor bundle on PostgreSQL", () => {
  let image: string;
  let manifest: AppManifest;
  let test: TestDatabase;
  let jwks: Server;
  let mail: LocalMail;
  let signingKey: CryptoKey;
  let serveEnv: Record<string, string>;

  beforeAll(async () => {
    image = mkdtempSync(join(tmpdir(), "fascia-image-"));
    const io = captureIO();
    expect(await runCli(["build", "examples/reservations", "--out", image], io)).toBe(0);
    manifest = readManifest(join(image, "manifest.json"));
    test = await createPgDatabase();
    mail = await startLocalMail();
    const keys = await generateKeyPair("ES256");
    signingKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    jwks = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    const url = new URL(test.url);
    serveEnv = {
      FASCIA_APP_MANIFEST: join(image, "manifest.json"),
      // The parts, as the deployment sets them (a TCP host instead of the Cloud SQL socket).
      FASCIA_DB_HOST: url.hostname,
      FASCIA_DB_PORT: url.port || "5432",
      FASCIA_DB_NAME: url.pathname.slice(1),
      FASCIA_DB_USER: decodeURIComponent(url.username),
      ...(url.password ? { FASCIA_DB_PASSWORD: decodeURIComponent(url.password) } : {}),
      FASCIA_DB_POOL_MAX: "4",
      FASCIA_AUTH_ISSUER: ISSUER,
      FASCIA_AUTH_AUDIENCE: AUDIENCE,
      FASCIA_AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "ops-token",
      FASCIA_SECRET_PAYMENTS_API_KEY: "sk_test_bundle",
      FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "whsec_bundle",
      FASCIA_SMTP_URL: mail.url,
      // What the deployment of these specs sets (test/components/plan-hash.test.ts checks that it does).
      FASCIA_PLAN_HASH: manifestPlanHash(manifest),
      PORT: "0",
    };
  }, 60_000);
  afterAll(async () => {
    await Promise.all([test?.drop(), mail?.close(), jwks && new Promise<void>((r) => jwks.close(() => r()))]);
    if (image) rmSync(image, { recursive: true, force: true });
  });

  it("leaves out what the executor never runs, and initializes only on use what serving may never need (its cold start)", () => {
    const bundle = readFileSync(join(image, "executor.js"), "utf8");
    // fastify's JSON-schema compilers are stubs that throw; zod's locales are English only.
    expect(bundle).not.toMatch(/^\/\/ node_modules\/(ajv\/|ajv-formats\/|fast-json-stringify\/index\.js)/m);
    expect(bundle).toMatch(/^\/\/ fascia-executor-stub:@fastify\/ajv-compiler$/m);
    expect(bundle.match(/^\/\/ node_modules\/zod\/v4\/locales\/\S+$/gm)?.sort()).toEqual([
      "// node_modules/zod/v4/locales/en.js",
      "// node_modules/zod/v4/locales/index.js",
    ]);
    // esbuild wraps a module it initializes on first use in __esm (ESM) or __commonJS; one
    // imported statically would run at startup instead.
    const initializedOnUse = (module: string) => {
      const start = bundle.indexOf(`\n// ${module}\n`);
      expect(start).toBeGreaterThan(0);
      const end = bundle.indexOf("\n// ", start + module.length + 5);
      return /= __(esm|commonJS)\(\{/.test(bundle.slice(start, end));
    };
    expect(initializedOnUse("node_modules/nodemailer/dist/esm/nodemailer.js")).toBe(true);
    expect(initializedOnUse("executor/server/migrate.ts")).toBe(true);
    expect(initializedOnUse("migrate/apply.ts")).toBe(true);
    // The spec loader (YAML parser, spec schemas) only where specs are checked: not when governed.
    expect(initializedOnUse("loader/load.ts")).toBe(true);
    expect(initializedOnUse("node_modules/yaml/dist/index.js")).toBe(true);
    // …and the check does see a module that runs at startup.
    expect(initializedOnUse("executor/server/start.ts")).toBe(false);
  });

  it("is one file with its source map and a Dockerfile that copies exactly what the image needs", () => {
    expect(readFileSync(join(image, "executor.js"), "utf8")).toMatch(/^\/\* Fascia executor bundle/);
    expect(JSON.parse(readFileSync(join(image, "executor.js.map"), "utf8")).sources).toEqual(
      expect.arrayContaining([expect.stringMatching(/executor\/main\.ts$/)]),
    );
    const dockerfile = readFileSync(join(image, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^FROM gcr\.io\/distroless\/nodejs20-debian12@sha256:[0-9a-f]{64}$/m);
    expect(dockerfile).toContain(`FROM ${DEFAULT_BASE_IMAGE}\n`);
    expect(dockerfile).toMatch(/^COPY executor\.js executor\.js\.map manifest\.json \.\/$/m);
    expect(dockerfile).toMatch(/^USER nonroot$/m);
    expect(dockerfile).toMatch(/^CMD \["\/app\/executor\.js"\]$/m);
    expect(manifest.source).toBe("examples/reservations");
  });

  it("serve on an empty database: healthy, not ready, saying why", async () => {
    const run = spawnBundle(image, serveEnv);
    try {
      const started = await run.line((l) => typeof l.address === "string");
      expect(started).toMatchObject({
        severity: "INFO",
        planHash: serveEnv.FASCIA_PLAN_HASH,
        planChecked: true,
        tools: manifest.specs.tools.length,
      });
      const base = started.address as string;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        error: { code: "UNAVAILABLE", message: "no migration has been applied to this database" },
      });
    } finally {
      run.child.kill("SIGTERM");
      expect(await run.exit).toBe(0);
    }
  });

  it("migrate applies the app's and the executor's migrations, then is a no-op", async () => {
    // Only what migrating needs: no auth, no secrets.
    const migrateEnv = Object.fromEntries(Object.entries(serveEnv).filter(([name]) => /^FASCIA_(DB_|APP_MANIFEST|PLAN_HASH)/.test(name)));
    const first = spawnBundle(image, { ...migrateEnv, FASCIA_RUN: "migrate" });
    expect(await first.exit).toBe(0);
    expect(first.lines).toEqual([
      expect.objectContaining({
        severity: "INFO",
        app: expect.stringMatching(/^applied 0001_/),
        executor: EXECUTOR_MIGRATIONS.map((m) => m.id),
        planHash: serveEnv.FASCIA_PLAN_HASH,
        planChecked: true,
      }),
    ]);
    const ledger = async () =>
      (await test.db.query<{ id: string; state: string }>(`SELECT "id", "state" FROM "fascia_migrations" ORDER BY "seq"`)).rows;
    const applied = await ledger();
    expect(applied).toEqual([{ id: expect.stringMatching(/^0001_/), state: "applied" }]);

    const second = spawnBundle(image, { ...migrateEnv, FASCIA_RUN: "migrate" });
    expect(await second.exit).toBe(0);
    expect(second.lines).toEqual([expect.objectContaining({ app: "up to date", executor: [], resumed: [] })]);
    expect(await ledger()).toEqual(applied);
  });

  it("serve: ready, a real booking with a token from the JWKS, the listing, every deployed route served; SIGTERM drains and exits 0", async () => {
    const seed = async (entity: string, row: Record<string, unknown>) => {
      const s = insertStatement(tableByEntity(manifest.schema, entity)!, row);
      return String((await test.db.query<{ id: string }>(s.text, s.values)).rows[0]!.id);
    };
    const customer = await seed("Customer", { name: "Ada", email: "ada@example.com" });
    const room = await seed("Room", { number: "101", capacity: 2, nightlyRate: "80.00", active: true });
    const token = await new SignJWT({ roles: ["customer"] })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setSubject(customer)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(signingKey);

    const run = spawnBundle(image, serveEnv);
    try {
      const base = (await run.line((l) => typeof l.address === "string")).address as string;
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: "ready" });

      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": "bundle-1" };
      const payload = JSON.stringify({ roomId: room, startDate: "2037-05-01", endDate: "2037-05-03", guests: 2 });
      const created = await fetch(`${base}/reservations`, { method: "POST", headers, body: payload });
      expect(created.status).toBe(200);
      const booking = (await created.json()) as { id: string; status: string; totalPrice: string };
      expect(booking).toMatchObject({ status: "pending", totalPrice: "160.00" });
      expect(created.headers.get("x-fascia-invocation-id")).toMatch(/^[0-9a-f-]{36}$/);
      // The confirmation mail runs after the commit: the outbox delivers it right after the answer.
      await eventually("the confirmation mail", () => (mail.messages().some((m) => m.to.includes("ada@example.com")) ? true : undefined));
      const replay = await fetch(`${base}/reservations`, { method: "POST", headers, body: payload });
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(await replay.json()).toEqual(booking);

      const listed = await fetch(`${base}/reservations`, { headers: { authorization: `Bearer ${token}` } });
      expect(await listed.json()).toEqual({ reservations: [expect.objectContaining({ id: booking.id, status: "pending" })] });
      // Three invocations (booking, replay, listing) and the mail's delivery record.
      const { rows } = await test.db.query<{ trigger: string; n: number }>(
        `SELECT "body"->>'trigger' AS "trigger", count(*)::int AS n FROM "fascia_audit" GROUP BY 1 ORDER BY 1`,
      );
      expect(rows).toEqual([
        { trigger: "http", n: 3 },
        { trigger: "outbox", n: 1 },
      ]);

      // Every route the deployment points at (endpoints, Cloud Scheduler's target) reaches a tool:
      // unauthenticated calls are refused by the tool (401), never ROUTE_NOT_FOUND.
      for (const spec of manifest.specs.tools) {
        const route = toolRoute(spec);
        const answer = await fetch(`${base}${route.path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000")}`, {
          method: route.method,
          ...(route.method === "GET" ? {} : { body: "{}" }),
          headers: { "content-type": "application/json" },
        });
        expect({ tool: spec.name, status: answer.status }).toEqual({ tool: spec.name, status: 401 });
      }
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/createReservation/);
    } finally {
      run.child.kill("SIGTERM");
      expect(await run.exit).toBe(0);
    }
    expect(run.lines.some((l) => l.signal === "SIGTERM")).toBe(true);
  });

  it("refuses to start without a secret the specs name, naming its variable (exit 1)", async () => {
    const { FASCIA_SECRET_PAYMENTS_API_KEY: _dropped, ...env } = serveEnv;
    const run = spawnBundle(image, env);
    expect(await run.exit).toBe(1);
    const failure = JSON.parse(run.stderr().trim()) as { severity: string; message: string };
    expect(failure.severity).toBe("ERROR");
    expect(failure.message).toMatch(/^the executor cannot start: missing secrets: FASCIA_SECRET_PAYMENTS_API_KEY \(/);
  });

  it("refuses to serve or migrate under another FASCIA_PLAN_HASH (exit 3), naming both hashes", async () => {
    const other = "0".repeat(64);
    for (const mode of ["serve", "migrate"]) {
      const run = spawnBundle(image, { ...serveEnv, FASCIA_RUN: mode, FASCIA_PLAN_HASH: other });
      expect(await run.exit).toBe(3);
      expect(run.lines).toEqual([]);
      expect(JSON.parse(run.stderr().trim())).toMatchObject({
        severity: "ERROR",
        mode,
        planHash: other,
        manifestPlanHash: serveEnv.FASCIA_PLAN_HASH,
        message: expect.stringMatching(/refuse/),
      });
    }
  });

  it("says why when it cannot run: unknown FASCIA_RUN (2), unreachable database (1), a pglite: URL in the image (1)", async () => {
    const unknown = spawnBundle(image, { ...serveEnv, FASCIA_RUN: "deploy" });
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr()).toMatch(/FASCIA_RUN must be one of serve, migrate, not \\"deploy\\"/);

    const unreachable = spawnBundle(image, { ...serveEnv, FASCIA_RUN: "migrate", FASCIA_DB_HOST: "127.0.0.1", FASCIA_DB_PORT: "1" });
    expect(await unreachable.exit).toBe(1);
    expect(unreachable.stderr()).toMatch(/the migration failed: .*ECONNREFUSED/);

    // The image has no node_modules: PGlite is not in the bundle, and the error says so.
    const local = spawnBundle(image, { ...serveEnv, FASCIA_DB_URL: "pglite:memory" });
    expect(await local.exit).toBe(1);
    expect(local.stderr()).toMatch(/pglite: URLs need @electric-sql\/pglite installed next to the executor/);
  });
});
