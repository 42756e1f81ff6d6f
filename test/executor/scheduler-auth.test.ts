import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { createSchedulerAuthenticator } from "../../executor/auth/scheduler-authenticator";
import { ToolError } from "../../executor/errors/catalogue";

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
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setIssuer("https://accounts.google.com").setAudience(aud).setIssuedAt().setExpirationTime("5m").sign(privateKey);
  const authenticate = () => createSchedulerAuthenticator({ audience, serviceAccountEmail: email, jwksUrl });

  it("accepts the scheduler's token and gives the scheduler role", async () => {
    const caller = await authenticate()(`Bearer ${await token({ email, email_verified: true })}`);
    expect(caller).toMatchObject({ id: email, roles: ["scheduler"] });
  });

  it("refuses another audience and another service account", async () => {
    const wrongAudience = await authenticate()(`Bearer ${await token({ email }, "https://elsewhere.run.app")}`).catch((e: unknown) => e);
    expect(wrongAudience).toBeInstanceOf(ToolError);
    expect((wrongAudience as ToolError).status).toBe(401);
    const stranger = await authenticate()(`Bearer ${await token({ email: "someone@proj.iam.gserviceaccount.com" })}`).catch((e: unknown) => e);
    expect((stranger as ToolError).details[0]!.message).toBe("the token is not from the scheduler's service account");
  });
});
