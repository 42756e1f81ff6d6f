/**
 * Who may read the operator API (issue 16), on PostgreSQL and PGlite: no token is 401, a token
 * without the operator role 403, with it 200, on every route; the role is configurable; operators
 * from an issuer of their own are verified by it alone; refusals charge the address limit; and a
 * deployment without bearer settings serves the operator API to nobody.
 */
import { generateKeyPair, SignJWT } from "jose";
import { DEFAULT_OPERATOR_ROLE, invocationPath, OPERATOR_PATHS } from "../../contracts/operator-api";
import { ConfigError, loadExecutorConfig } from "../../executor/server/config";
import type { ExecutorServer } from "../../executor/server/build-server";
import { describeEachDriver } from "../support/databases";
import { startHarness, type Harness } from "./support/harness";

const ROUTES = [
  OPERATOR_PATHS.invocations,
  invocationPath("any"),
  OPERATOR_PATHS.auditVerify,
  OPERATOR_PATHS.metrics,
  OPERATOR_PATHS.deployment,
  OPERATOR_PATHS.settings,
];

const OPS_ISSUER = "https://ops-idp.test";
const OPS_AUDIENCE = "https://console.test";

describeEachDriver("the operator API's door", (driver) => {
  let h: Harness;
  const others: ExecutorServer[] = [];
  beforeAll(async () => {
    h = await startHarness(driver);
  }, 60_000);
  afterAll(async () => {
    for (const other of others) await other.close();
    await h?.close();
  });
  const another = async (more: Parameters<Harness["anotherInstance"]>[0]) => {
    const server = await h.anotherInstance(more);
    others.push(server);
    return server;
  };
  const get = (server: ExecutorServer, url: string, token?: string) =>
    server.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  /** Each route's status and error code (none on a 200 or a 404 of the unknown invocation). */
  const answers = async (server: ExecutorServer, token?: string) =>
    Promise.all(
      ROUTES.map(async (url) => {
        const response = await get(server, url, token);
        return [url, response.statusCode, response.statusCode >= 400 ? response.json<{ error: { code: string } }>().error.code : "-"];
      }),
    );
  const everyRoute = (status: number, code: string) =>
    ROUTES.map((url) => [
      url,
      url === invocationPath("any") && status === 200 ? 404 : status,
      status === 200 ? (url === invocationPath("any") ? "NOT_FOUND" : "-") : code,
    ]);

  it("401 without a token or with a bad one, 403 without the role, 200 with it", async () => {
    expect(await answers(h.server)).toEqual(everyRoute(401, "UNAUTHENTICATED"));
    expect(await answers(h.server, "not-a-jwt")).toEqual(everyRoute(401, "UNAUTHENTICATED"));
    expect(await answers(h.server, await h.token("desk-1", ["staff"]))).toEqual(everyRoute(403, "FORBIDDEN"));
    expect(await answers(h.server, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).toEqual(everyRoute(200, "-"));
    // The refusal is the executor's structured body, with the invocation id header its other errors carry.
    const refused = await get(h.server, OPERATOR_PATHS.invocations, await h.token("desk-1", ["staff"]));
    expect(refused.json()).toEqual({
      error: {
        code: "FORBIDDEN",
        message: 'the operator API needs the role "operator"',
        details: [{ path: "header.authorization", message: 'the token\'s roles do not include "operator"' }],
      },
    });
    expect(refused.headers["x-fascia-invocation-id"]).toEqual(expect.any(String));
  });

  it("needs the configured role instead when one is named", async () => {
    const server = await another({ operators: { role: "auditor" } });
    expect(await answers(server, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).toEqual(everyRoute(403, "FORBIDDEN"));
    expect(await answers(server, await h.token("audit-1", ["auditor"]))).toEqual(everyRoute(200, "-"));
  });

  it("verifies operators from their own issuer, and refuses the app's tokens there", async () => {
    const keys = await generateKeyPair("ES256");
    const server = await another({
      operators: { auth: { issuer: OPS_ISSUER, audience: OPS_AUDIENCE, keys: { publicKey: keys.publicKey } } },
    });
    const opsToken = await new SignJWT({ roles: [DEFAULT_OPERATOR_ROLE] })
      .setProtectedHeader({ alg: "ES256" })
      .setSubject("sre-1")
      .setIssuer(OPS_ISSUER)
      .setAudience(OPS_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(keys.privateKey);
    expect(await answers(server, opsToken)).toEqual(everyRoute(200, "-"));
    expect(await answers(server, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).toEqual(everyRoute(401, "UNAUTHENTICATED"));
    // …while the app's tools still take the app's tokens, not the operators'.
    const tool = await h.server.inject({ method: "GET", url: "/reservations", headers: { authorization: `Bearer ${opsToken}` } });
    expect(tool.statusCode).toBe(401);
  });

  it("charges the address limit for every refusal, as a failed tool authentication does", async () => {
    const server = await another({ unauthenticatedRateLimit: { perSecond: 0.001, burst: 3 } });
    const staff = await h.token("desk-1", ["staff"]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(server, OPERATOR_PATHS.deployment, i % 2 ? staff : undefined)).statusCode);
    expect(statuses).toEqual([401, 403, 401, 429]);
    // An operator from that address is refused too until the bucket refills: no token is verified meanwhile.
    expect((await get(server, OPERATOR_PATHS.deployment, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).statusCode).toBe(429);
  });
});

describe("the operator API's configuration", () => {
  /** An issuer's three variables under `prefix` (FASCIA_AUTH_ or FASCIA_OPERATOR_AUTH_). */
  const issuerEnv = (prefix: string, issuer: string, audience: string) => ({
    [`${prefix}ISSUER`]: issuer,
    [`${prefix}AUDIENCE`]: audience,
    [`${prefix}JWKS_URL`]: `${issuer}/jwks`,
  });
  const base = { FASCIA_DB_URL: "pglite:memory", ...issuerEnv("FASCIA_AUTH_", "https://issuer.test", "https://app.test") };
  it("defaults to the operator role and the app's issuer", () => {
    expect(loadExecutorConfig(base).operators).toEqual({ role: DEFAULT_OPERATOR_ROLE });
  });
  it("reads the role and an operators' issuer, all of its three or none", () => {
    const own = { FASCIA_OPERATOR_ROLE: "sre", ...issuerEnv("FASCIA_OPERATOR_AUTH_", "https://ops.test", "https://console.test") };
    expect(loadExecutorConfig({ ...base, ...own }).operators).toEqual({
      role: "sre",
      auth: { issuer: "https://ops.test", audience: "https://console.test", jwksUrl: "https://ops.test/jwks" },
    });
    expect(() => loadExecutorConfig({ ...base, FASCIA_OPERATOR_AUTH_ISSUER: "https://ops.test" })).toThrow(ConfigError);
    expect(() => loadExecutorConfig({ ...base, FASCIA_OPERATOR_AUTH_ISSUER: "https://ops.test" })).toThrow(
      /FASCIA_OPERATOR_AUTH_AUDIENCE is not set[\s\S]*FASCIA_OPERATOR_AUTH_JWKS_URL is not set/,
    );
  });
});
