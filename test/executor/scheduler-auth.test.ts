import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { createSchedulerAuthenticator, SCHEDULER_AUDIENCE_UNSET } from "../../executor/auth/scheduler-authenticator";
import { ToolError } from "../../executor/errors/catalogue";
import { scheduledToolsWarning } from "../../executor/server/scheduler-warning";
import { loadExecutorConfig } from "../../executor/server/config";
import { describeEachDriver } from "../support/databases";
import { exampleObjects, manifestOf, SERVICE_HOST, startHarness, type Harness } from "./support/harness";

// A real JWKS endpoint on loopback plays Google's certificate URL.
describe("step 1: Cloud Scheduler OIDC tokens", () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  const audience = "https://reservations-abc-ew.a.run.app";
  const email = "scheduler@proj.iam.gserviceaccount.com";

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256");
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const token = (claims: Record<string, unknown>, aud = audience) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer("https://accounts.google.com")
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
  const authenticate = () => createSchedulerAuthenticator({ audience, serviceAccountEmail: email, jwksUrl });

  it("accepts the scheduler's token and gives the scheduler role", async () => {
    const caller = await authenticate()(`Bearer ${await token({ email, email_verified: true })}`);
    expect(caller).toMatchObject({ id: email, roles: ["scheduler"] });
  });

  it("refuses another audience and another service account", async () => {
    const wrongAudience = await authenticate()(`Bearer ${await token({ email }, "https://elsewhere.run.app")}`).catch((e: unknown) => e);
    expect(wrongAudience).toBeInstanceOf(ToolError);
    expect((wrongAudience as ToolError).status).toBe(401);
    const stranger = await authenticate()(`Bearer ${await token({ email: "someone@proj.iam.gserviceaccount.com" })}`).catch(
      (e: unknown) => e,
    );
    expect((stranger as ToolError).details[0]!.message).toBe("the token is not from the scheduler's service account");
  });

  it("without the service's own URL configured, refuses every token, even one for that URL", async () => {
    const unconfigured = createSchedulerAuthenticator({ serviceAccountEmail: email, jwksUrl });
    const refused = await unconfigured(`Bearer ${await token({ email, email_verified: true })}`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ToolError);
    expect((refused as ToolError).status).toBe(401);
    expect((refused as ToolError).details[0]!.message).toBe(SCHEDULER_AUDIENCE_UNSET);
    expect(SCHEDULER_AUDIENCE_UNSET).toContain("FASCIA_SCHEDULER_AUDIENCE");
  });
});

describe("the scheduler's settings from the environment", () => {
  const env = { FASCIA_DB_URL: "pglite:/tmp/unused" };
  const manifest = manifestOf(exampleObjects("http://127.0.0.1:9/"), "examples/reservations");

  it("reads the service's own URL from FASCIA_SCHEDULER_AUDIENCE", () => {
    const config = loadExecutorConfig({
      ...env,
      FASCIA_SCHEDULER_SERVICE_ACCOUNT: "s@p.iam.gserviceaccount.com",
      FASCIA_SCHEDULER_AUDIENCE: "https://svc-123.europe-west1.run.app",
    });
    expect(config.scheduler).toEqual({
      serviceAccountEmail: "s@p.iam.gserviceaccount.com",
      audience: "https://svc-123.europe-west1.run.app",
    });
    expect(scheduledToolsWarning(manifest, config.scheduler)).toBeUndefined();
  });

  it("warns at start when scheduled tools cannot be authenticated", () => {
    const accountOnly = loadExecutorConfig({ ...env, FASCIA_SCHEDULER_SERVICE_ACCOUNT: "s@p.iam.gserviceaccount.com" });
    expect(accountOnly.scheduler).toEqual({ serviceAccountEmail: "s@p.iam.gserviceaccount.com" });
    expect(scheduledToolsWarning(manifest, accountOnly.scheduler)).toBe(
      "scheduled tools cannot be authenticated, so every run of completeStays will be refused (401): FASCIA_SCHEDULER_AUDIENCE (this service's own URL) is not set",
    );
    expect(scheduledToolsWarning(manifest, undefined)).toMatch(
      /FASCIA_SCHEDULER_SERVICE_ACCOUNT and FASCIA_SCHEDULER_AUDIENCE .* are not set$/,
    );
  });
});

/**
 * `auth` on scheduled and webhook tools, end to end: an auth that names the trigger's own role is
 * accepted by the checker and admits the trigger's caller at step 3; one that would shut it out is
 * refused when the specs load (FS029), so it never reaches an executor.
 */
describeEachDriver("auth that admits the trigger's own caller", (driver) => {
  /** The example app with `auth` on its nightly job and its payment webhook. */
  const withAuth = (schedule: string[], webhook: string[]) => (opsUrl: string) => {
    const objects: Record<string, unknown>[] = exampleObjects(opsUrl);
    objects.find((o) => o.name === "completeStays")!.auth = { roles: schedule };
    objects.find((o) => o.name === "paymentWebhook")!.auth = { roles: webhook };
    return manifestOf(objects, "examples/reservations with trigger auth");
  };

  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(driver, { manifest: withAuth(["scheduler"], ["webhook", "staff"]) });
  }, 60_000);
  afterAll(() => h?.close());

  it("a scheduled tool with auth.roles [scheduler] runs with Cloud Scheduler's token", async () => {
    const customer = await h.seedCustomer("Ada");
    const room = await h.seedRoom("1");
    const id = await h.seed("Reservation", {
      customerId: customer,
      roomId: room,
      startDate: "2026-01-10",
      endDate: "2026-01-12",
      guests: 1,
      totalPrice: "199.00",
      email: "ada@example.com",
    });
    await h.test.db.query(`UPDATE "reservation" SET "status" = 'confirmed', "payment_id" = 'pi_old' WHERE "id" = $1`, [id]);
    const ran = await h.server.inject({
      method: "POST",
      url: "/_fascia/scheduled/completeStays",
      headers: {
        host: SERVICE_HOST,
        authorization: `Bearer ${await h.schedulerToken()}`,
        "x-cloudscheduler-scheduletime": "2026-11-24T02:00:00Z",
      },
    });
    expect(ran.statusCode).toBe(200);
    expect(ran.json()).toEqual({ completed: 1, stillConfirmed: 0 });
    expect((await h.audit()).at(-1)).toMatchObject({ tool: "completeStays", callerRoles: ["scheduler"], outcome: { status: 200 } });
    // The role alone is not the caller: a user's token claiming it still fails step 1.
    const user = await h.server.inject({
      method: "POST",
      url: "/_fascia/scheduled/completeStays",
      headers: { host: SERVICE_HOST, authorization: `Bearer ${await h.token(customer, ["scheduler"])}` },
    });
    expect(user.statusCode).toBe(401);
  });

  it("checks the token's audience against the configured service URL, never the Host header", async () => {
    const run = async (host: string, audience: string) =>
      h.server.inject({
        method: "POST",
        url: "/_fascia/scheduled/completeStays",
        headers: {
          host,
          authorization: `Bearer ${await h.schedulerToken({ audience })}`,
          "x-cloudscheduler-scheduletime": new Date().toISOString(),
        },
      });
    // A token minted for another service, sent with that service's name as Host: refused.
    const elsewhere = await run("other-service-xyz-ew.a.run.app", "https://other-service-xyz-ew.a.run.app");
    expect(elsewhere.statusCode).toBe(401);
    expect(elsewhere.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    // The configured URL passes whatever Host the request carries (a custom domain, a proxy).
    const configured = await run("hotel.example.com", `https://${SERVICE_HOST}`);
    expect(configured.statusCode).toBe(200);
  });

  it("a webhook tool with auth.roles [webhook, staff] takes a signed delivery", async () => {
    const customer = await h.seedCustomer("Bo");
    const room = await h.seedRoom("2");
    const reservationId = await h.seed("Reservation", {
      customerId: customer,
      roomId: room,
      startDate: "2026-02-10",
      endDate: "2026-02-12",
      guests: 1,
      totalPrice: "99.00",
      email: "bo@example.com",
    });
    const body = JSON.stringify({ id: "evt_auth", type: "payment.failed", reservationId, paymentId: "pi_x" });
    const delivered = await h.server.inject({ method: "POST", url: "/webhooks/payments", headers: h.signed(body), payload: body });
    expect(delivered.statusCode).toBe(200);
    expect((await h.rows("reservation")).find((r) => r.id === reservationId)!.status).toBe("cancelled");
    expect((await h.audit()).at(-1)).toMatchObject({ tool: "paymentWebhook", callerRoles: ["webhook"], outcome: { status: 200 } });
  });

  it("an auth that would refuse every run or delivery is refused when the specs load", () => {
    expect(() => withAuth(["staff"], ["webhook"])("http://127.0.0.1:9/")).toThrow(
      /FS029 a scheduled tool is called by Cloud Scheduler with the role `scheduler`; auth\.roles \[staff\] would refuse every run/,
    );
    expect(() => withAuth(["scheduler"], ["staff"])("http://127.0.0.1:9/")).toThrow(
      /FS029 a webhook tool is called by signed deliveries with the role `webhook`; auth\.roles \[staff\] would refuse every delivery/,
    );
  });
});
