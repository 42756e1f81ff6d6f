import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { createJwtAuthenticator } from "../../executor/auth/jwt-authenticator";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalKeys, mintLocalToken, type LocalKeys } from "../../executor/auth/local-keys";
import { signWebhook, verifyWebhookSignature } from "../../executor/auth/webhook-signature";
import { ToolError } from "../../executor/errors";

async function refusal(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).status).toBe(401);
    return (error as ToolError).details[0]!.message;
  }
  throw new Error("expected a 401");
}

describe("step 1: JWT callers (local mode keys)", () => {
  let dir: string;
  let keys: LocalKeys;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "fascia-auth-"));
    keys = await loadOrCreateLocalKeys(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const authenticate = () => createJwtAuthenticator({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, keys: { publicKey: keys.publicKey } });

  it("accepts a minted token and reads sub and roles", async () => {
    const token = await mintLocalToken(keys, { sub: "cust-1", roles: ["customer"] });
    const caller = await authenticate()(`Bearer ${token}`);
    expect(caller.id).toBe("cust-1");
    expect(caller.roles).toEqual(["customer"]);
  });

  it("keeps the same key across restarts, so earlier tokens stay valid", async () => {
    const token = await mintLocalToken(keys, { sub: "a", roles: [] });
    const again = await loadOrCreateLocalKeys(dir);
    const caller = await createJwtAuthenticator({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, keys: { publicKey: again.publicKey } })(`Bearer ${token}`);
    expect(caller.id).toBe("a");
  });

  it("refuses a missing header, an expired token, a wrong audience and a foreign signature", async () => {
    expect(await refusal(() => authenticate()(undefined))).toBe("no Authorization header");
    expect(await refusal(() => authenticate()("Basic abc"))).toMatch(/not `Bearer <token>`/);
    const expired = await new SignJWT({ roles: [] }).setProtectedHeader({ alg: "ES256" }).setSubject("x").setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime(Math.floor(Date.now() / 1000) - 120).sign(keys.privateKey);
    expect(await refusal(() => authenticate()(`Bearer ${expired}`))).toBe("the token has expired");
    const otherAudience = await mintLocalToken(keys, { sub: "x", roles: [], audience: "someone-else" });
    expect(await refusal(() => authenticate()(`Bearer ${otherAudience}`))).toBe("the token's aud claim is not accepted");
    const stranger = await loadOrCreateLocalKeys(mkdtempSync(join(tmpdir(), "fascia-auth-other-")));
    const forged = await mintLocalToken(stranger, { sub: "x", roles: ["staff"] });
    expect(await refusal(() => authenticate()(`Bearer ${forged}`))).toBe("the token's signature does not verify");
  });
});

describe("step 1: webhook signatures", () => {
  const secret = "whsec_test";
  const body = JSON.stringify({ id: "evt_1", type: "payment.failed" });
  const now = 1_800_000_000;

  it("accepts the provider's signature over the raw body", () => {
    expect(() => verifyWebhookSignature(secret, signWebhook(secret, body, now), body, now)).not.toThrow();
  });

  it("refuses a changed body, a wrong secret, a missing header and a replay outside the window", async () => {
    expect(await refusal(() => verifyWebhookSignature(secret, signWebhook(secret, body, now), body.replace("failed", "succeeded"), now))).toBe("the signature does not match the body");
    expect(await refusal(() => verifyWebhookSignature(secret, signWebhook("other", body, now), body, now))).toBe("the signature does not match the body");
    expect(await refusal(() => verifyWebhookSignature(secret, undefined, body, now))).toBe("no signature header");
    expect(await refusal(() => verifyWebhookSignature(secret, signWebhook(secret, body, now - 301), body, now))).toMatch(/outside the 300s window/);
    expect(await refusal(() => verifyWebhookSignature(secret, "v1=abc", body, now))).toMatch(/not `t=<seconds>,v1=<hex>`/);
  });
});
