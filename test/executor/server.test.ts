/**
 * The server around the invocations: the compiled manifest it starts from, configuration from the
 * environment, startup refusals, health, readiness, metrics, unknown routes, the body size limit,
 * the per-caller rate limit, and a real listening socket.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateToSpecs } from "../../migrate/apply";
import { openPglite } from "../../database/pglite-driver";
import { compileApp } from "../../build/compile-app";
import * as load from "../../loader/load";
import { ManifestError, readManifest, writeManifest } from "../../executor/app/manifest";
import { prepareApp } from "../../executor/app/runtime-app";
import { createLogger } from "../../executor/observability/logger";
import { MissingSecretsError } from "../../executor/secrets";
import { buildServer } from "../../executor/server/build-server";
import { ConfigError, loadExecutorConfig } from "../../executor/server/config";
import { startExecutor } from "../../executor/server/start";
import { main } from "../../executor/main";
import { EXIT } from "../../contracts/exit-codes";
import { nightlyAppEnv } from "./support/nightly-app";
import { applyExecutorMigrations } from "../../executor/store/executor-schema";
import { AUDIENCE, ISSUER, startHarness, type Harness } from "./support/harness";
import { routerPath } from "../../contracts/routes";

const silent = createLogger({ level: "silent" });

describe("the compiled app manifest", () => {
  it("is plain JSON that loads back into routes per trigger", () => {
    const manifest = compileApp("examples/reservations");
    const dir = mkdtempSync(join(tmpdir(), "fascia-manifest-"));
    writeManifest(join(dir, "manifest.json"), manifest);
    const app = prepareApp(readManifest(join(dir, "manifest.json")));
    const routes = Object.fromEntries([...app.tools.values()].map((t) => [t.name, `${t.route.method} ${routerPath(t.route.path)}`]));
    expect(routes).toEqual({
      cancelReservation: "POST /reservations/:reservationId/cancel",
      completeStays: "POST /_fascia/scheduled/completeStays",
      confirmReservation: "POST /reservations/:reservationId/confirm",
      createReservation: "POST /reservations",
      createRoom: "POST /rooms",
      listReservations: "GET /reservations",
      paymentWebhook: "POST /webhooks/payments",
      registerCustomer: "POST /customers",
    });
    expect(app.secretNames).toEqual(["OPS_WEBHOOK_TOKEN", "PAYMENTS_API_KEY", "PAYMENTS_WEBHOOK_SECRET"]);
    expect(manifest.risk.listReservations).toEqual({ level: "green", deployable: true });
  });

  it("governed (specsChecked), prepares the same app without checking the specs again", () => {
    const manifest = compileApp("examples/reservations");
    const dir = mkdtempSync(join(tmpdir(), "fascia-manifest-"));
    writeManifest(join(dir, "manifest.json"), manifest);
    const checked = prepareApp(readManifest(join(dir, "manifest.json")));
    const checks = jest.spyOn(load, "loadSpecObjects");
    const governed = prepareApp(readManifest(join(dir, "manifest.json")), { specsChecked: true });
    expect(checks).not.toHaveBeenCalled();
    checks.mockRestore();
    // The manifest holds the specs as loaded: what a check would return is what it holds.
    for (const kind of ["entities", "tools", "policies"] as const) {
      const specsOf = (app: typeof checked) => [...app.specs[kind]].map(([name, located]) => [name, located.spec]);
      expect(specsOf(governed)).toEqual(specsOf(checked));
    }
    expect([...governed.tools.keys()]).toEqual([...checked.tools.keys()]);
    expect(governed.secretNames).toEqual(checked.secretNames);
    const plain = (app: typeof checked) => [...app.tools.values()].map((t) => [t.name, t.route, t.program, t.implicitTransaction]);
    expect(plain(governed)).toEqual(plain(checked));
  });

  it("refuses plans of another planVersion, naming the tool", () => {
    const manifest = compileApp("examples/reservations");
    const other = structuredClone(manifest) as unknown as { plans: Record<string, { planVersion: number }> };
    other.plans.createReservation!.planVersion = 1;
    expect(() => prepareApp(other)).toThrow(
      new ManifestError("manifest: the plan of createReservation has planVersion 1; this executor runs version 2"),
    );
    expect(() => prepareApp({ ...manifest, planVersion: 7 })).toThrow(/planVersion 7/);
    expect(() => readManifest("/nonexistent/manifest.json")).toThrow(/cannot read the app manifest/);
  });
});

describe("configuration from the environment", () => {
  const base = {
    FASCIA_AUTH_ISSUER: ISSUER,
    FASCIA_AUTH_AUDIENCE: AUDIENCE,
    FASCIA_AUTH_JWKS_URL: "https://issuer.test/jwks",
    FASCIA_DB_NAME: "app",
    FASCIA_DB_USER: "executor",
    FASCIA_DB_PASSWORD: "p@ss",
  };

  it("builds the Cloud SQL socket URL and applies defaults", () => {
    const config = loadExecutorConfig({
      ...base,
      FASCIA_DB_SOCKET_DIR: "/cloudsql/proj:eu:db",
      FASCIA_SCHEDULER_SERVICE_ACCOUNT: "sched@p.iam.gserviceaccount.com",
    });
    expect(config).toMatchObject({
      manifestPath: "/app/manifest.json",
      databaseUrl: "postgresql://executor:p%40ss@localhost/app?host=%2Fcloudsql%2Fproj%3Aeu%3Adb",
      auth: { rolesClaim: "roles", tokenCache: { maxEntries: 10_000, maxAgeSeconds: 60 } },
      scheduler: { serviceAccountEmail: "sched@p.iam.gserviceaccount.com" },
      paymentsBaseUrl: "https://api.stripe.com",
      port: 8080,
    });
  });

  it("bounds bearer tokens' lifetime at 24 h unless configured", () => {
    const env = { ...base, FASCIA_DB_URL: "postgres://x/y" };
    expect(loadExecutorConfig(env).auth?.maxTokenLifetimeSeconds).toBe(86_400);
    expect(loadExecutorConfig({ ...env, FASCIA_AUTH_MAX_TOKEN_LIFETIME_SECONDS: "3600" }).auth?.maxTokenLifetimeSeconds).toBe(3600);
    expect(() => loadExecutorConfig({ ...env, FASCIA_AUTH_MAX_TOKEN_LIFETIME_SECONDS: "0" })).toThrow(
      /FASCIA_AUTH_MAX_TOKEN_LIFETIME_SECONDS must be an integer ≥ 1/,
    );
  });

  it("sizes the verified-token cache, or turns it off", () => {
    expect(
      loadExecutorConfig({
        ...base,
        FASCIA_DB_URL: "postgres://x/y",
        FASCIA_AUTH_TOKEN_CACHE_SIZE: "0",
        FASCIA_AUTH_TOKEN_CACHE_SECONDS: "5",
      }).auth?.tokenCache,
    ).toEqual({ maxEntries: 0, maxAgeSeconds: 5 });
    expect(() => loadExecutorConfig({ ...base, FASCIA_DB_URL: "postgres://x/y", FASCIA_AUTH_TOKEN_CACHE_SECONDS: "0" })).toThrow(
      /FASCIA_AUTH_TOKEN_CACHE_SECONDS must be an integer ≥ 1/,
    );
  });

  it("names every missing variable at once", () => {
    expect(() => loadExecutorConfig({ FASCIA_DB_POOL_MAX: "many" })).toThrow(ConfigError);
    try {
      loadExecutorConfig({ FASCIA_DB_POOL_MAX: "many" });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "FASCIA_DB_NAME is not set",
        "FASCIA_DB_USER is not set",
        "set FASCIA_DB_SOCKET_DIR (Cloud SQL) or FASCIA_DB_HOST (and FASCIA_DB_PORT), or FASCIA_DB_URL",
        'FASCIA_DB_POOL_MAX must be an integer ≥ 1, got "many"',
      ]);
    }
  });

  it("takes bearer-token settings all together or not at all", () => {
    expect(loadExecutorConfig({ FASCIA_DB_URL: "pglite:memory" }).auth).toBeUndefined();
    expect(() => loadExecutorConfig({ FASCIA_DB_URL: "pglite:memory", FASCIA_AUTH_ISSUER: ISSUER })).toThrow(
      "the executor's configuration is incomplete:\n  - FASCIA_AUTH_AUDIENCE is not set\n  - FASCIA_AUTH_JWKS_URL is not set",
    );
  });
});

describe("startup refusals", () => {
  it("a missing secret stops the server, naming it", async () => {
    const db = await openPglite();
    try {
      const build = () =>
        buildServer({
          app: compileApp("examples/reservations"),
          db,
          auth: { authenticate: async () => ({ id: "x", roles: [], claims: {} }) },
          env: { FASCIA_SECRET_PAYMENTS_API_KEY: "k" },
          logger: silent,
        });
      expect(build).toThrow(MissingSecretsError);
      expect(build).toThrow("missing secrets: FASCIA_SECRET_OPS_WEBHOOK_TOKEN, FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET");
      const env = { FASCIA_SECRET_PAYMENTS_API_KEY: "k", FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "t", FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "w" };
      expect(() =>
        buildServer({
          app: compileApp("examples/reservations"),
          db,
          auth: { authenticate: async () => ({ id: "x", roles: [], claims: {} }) },
          env,
          logger: silent,
        }),
      ).toThrow("email node createReservation.sendConfirmation names no secret, so FASCIA_SMTP_URL must be set");
    } finally {
      await db.close();
    }
  });

  it("is not ready until the app's and the executor's migrations are applied", async () => {
    const db = await openPglite();
    try {
      const manifest = compileApp("examples/reservations");
      const env = { FASCIA_SECRET_PAYMENTS_API_KEY: "k", FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "t", FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "w" };
      const server = buildServer({
        app: manifest,
        db,
        auth: { authenticate: async () => ({ id: "x", roles: [], claims: {} }) },
        env,
        email: { smtpUrl: "smtp://127.0.0.1:9" },
        logger: silent,
      });
      const ready = async () =>
        (await server.inject({ method: "GET", url: "/readyz" })).json<{ status?: string; error?: { code: string; message: string } }>();
      expect((await server.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
      expect(await ready()).toEqual({
        error: { code: "UNAVAILABLE", message: "no migration has been applied to this database", details: [] },
      });
      await migrateToSpecs(db, manifest.specs.entities.slice(0, 1));
      expect((await ready()).error?.message).toBe("the database's schema is not the one of this app's entities: apply its migration");
      await migrateToSpecs(db, manifest.specs.entities);
      expect((await ready()).error?.message).toBe("the executor's tables (idempotency, audit) are not created");
      await applyExecutorMigrations(db);
      expect(await ready()).toEqual({ status: "ready" });
      await server.close();
    } finally {
      await db.close();
    }
  });
});

describe("the server's own limits and endpoints", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("pglite", { server: { bodyLimitBytes: 2048, rateLimit: { perSecond: 1, burst: 3 } } });
  }, 60_000);
  afterAll(() => h?.close());

  it("an unknown route is a structured 404 with an invocation id", async () => {
    const response = await h.server.inject({ method: "GET", url: "/nowhere?x=1" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: "ROUTE_NOT_FOUND", message: "no tool serves GET /nowhere", details: [] } });
    expect(response.headers["x-fascia-invocation-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a body over the limit is 413, counted into the window's aggregate audit record", async () => {
    const response = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ notes: "x".repeat(4096) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("PAYLOAD_TOO_LARGE");
    expect((await h.audit()).find((r) => r.invocationId === response.headers["x-fascia-invocation-id"])).toBeUndefined();
    await h.server.executor.refusalTally.flush();
    expect((await h.audit()).at(-1)).toMatchObject({
      tool: "(refusals)",
      refusals: { counts: [{ tool: "createReservation", status: 413, code: "PAYLOAD_TOO_LARGE", count: 1 }] },
    });
  });

  it("a caller over its rate is 429; another caller is not affected", async () => {
    const customer = await h.seedCustomer();
    const token = await h.token(customer, ["customer"]);
    const responses = [];
    for (let i = 0; i < 5; i++)
      responses.push(await h.server.inject({ method: "GET", url: "/reservations", headers: { authorization: `Bearer ${token}` } }));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // When to come back, from the bucket's refill: whole seconds, at least one.
    expect(responses[3]!.headers["retry-after"]).toMatch(/^[1-9][0-9]*$/);
    expect(responses[0]!.headers["retry-after"]).toBeUndefined();
    const other = await h.token(await h.seedCustomer("Bob"), ["customer"]);
    expect((await h.server.inject({ method: "GET", url: "/reservations", headers: { authorization: `Bearer ${other}` } })).statusCode).toBe(
      200,
    );
  });

  it("serves per-tool metrics in Prometheus text", async () => {
    const text = (await h.server.inject({ method: "GET", url: "/metrics" })).body;
    expect(text).toMatch(/fascia_tool_invocations_total\{tool="listReservations",status="200"\} \d+/);
    expect(text).toMatch(/fascia_tool_errors_total\{tool="listReservations",status="429"\} 2/);
    expect(text).toContain('fascia_tool_duration_seconds_bucket{le="0.005",tool="listReservations"}');
  });

  it("answers on a real socket", async () => {
    const address = await h.server.listen({ port: 0, host: "127.0.0.1" });
    const response = await fetch(`${address}/healthz`);
    expect(await response.json()).toEqual({ status: "ok" });
    const refused = await fetch(`${address}/reservations`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-fascia-invocation-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("starting from the environment", () => {
  it("reads the manifest, opens the database and listens on PORT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fascia-start-"));
    const manifestPath = join(dir, "manifest.json");
    writeManifest(manifestPath, compileApp("examples/reservations"));
    const env = {
      FASCIA_APP_MANIFEST: manifestPath,
      FASCIA_DB_URL: `pglite:${join(dir, "db")}`,
      FASCIA_AUTH_ISSUER: ISSUER,
      FASCIA_AUTH_AUDIENCE: AUDIENCE,
      FASCIA_AUTH_JWKS_URL: "http://127.0.0.1:9/jwks",
      FASCIA_SMTP_URL: "smtp://127.0.0.1:9",
      FASCIA_SECRET_PAYMENTS_API_KEY: "k",
      FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "t",
      FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "w",
      PORT: "0",
    };
    await expect(startExecutor({ ...env, FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "" })).rejects.toThrow(
      "missing secrets: FASCIA_SECRET_OPS_WEBHOOK_TOKEN",
    );
    // The example has HTTP tools, so it cannot start without bearer-token settings.
    await expect(startExecutor({ ...env, FASCIA_AUTH_ISSUER: "", FASCIA_AUTH_AUDIENCE: "", FASCIA_AUTH_JWKS_URL: "" })).rejects.toThrow(
      "must be set: the app has HTTP tools (cancelReservation,",
    );
    const running = await startExecutor(env, "127.0.0.1");
    try {
      expect(await (await fetch(`${running.address}/healthz`)).json()).toEqual({ status: "ok" });
      expect((await fetch(`${running.address}/readyz`)).status).toBe(503);
    } finally {
      await running.close();
    }
  });
});

describe("an app with no HTTP tool", () => {
  it("logs at start that its scheduled tool cannot be authenticated without FASCIA_SCHEDULER_AUDIENCE, and not once it is set", async () => {
    const serve = async (extra: Record<string, string>) => {
      const lines: Record<string, unknown>[] = [];
      const log = { write: (text: string) => void lines.push(JSON.parse(text) as Record<string, unknown>) };
      const env = { ...nightlyAppEnv("fascia-sched-warn-"), FASCIA_SCHEDULER_SERVICE_ACCOUNT: "s@p.iam.gserviceaccount.com", ...extra };
      expect(await main(env, { log, failures: log, stop: () => Promise.resolve("SIGTERM") })).toBe(EXIT.ok);
      return lines.filter((l) => l.severity === "WARNING" && String(l.message).startsWith("scheduled tools")).map((l) => l.message);
    };
    expect(await serve({})).toEqual([expect.stringMatching(/FASCIA_SCHEDULER_AUDIENCE \(this service's own URL\) is not set$/)]);
    expect(await serve({ FASCIA_SCHEDULER_AUDIENCE: "https://nightly-123.europe-west1.run.app" })).toEqual([]);
  });

  it("starts without bearer-token settings (only scheduled and webhook tools)", async () => {
    const running = await startExecutor(nightlyAppEnv("fascia-noauth-"), "127.0.0.1");
    try {
      expect((await fetch(`${running.address}/healthz`)).status).toBe(200);
      // No bearer settings: no operator either — the operator API is never public.
      expect((await fetch(`${running.address}/_fascia/deployment`, { headers: { authorization: "Bearer x.y.z" } })).status).toBe(401);
      // Its scheduled tool cannot be authenticated without the scheduler settings, and the start says so.
      expect(running.schedulerWarning).toMatch(/scheduled tools cannot be authenticated, so every run of .* will be refused \(401\)/);
      expect(running.schedulerWarning).toContain("FASCIA_SCHEDULER_AUDIENCE");
    } finally {
      await running.close();
    }
  });
});
