import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jwtVerify, SignJWT } from "jose";
import { createJwtAuthenticator } from "../../executor/auth/jwt-authenticator";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalKeys, mintLocalToken, type LocalKeys } from "../../executor/auth/local-keys";
import { signWebhook, verifyWebhookSignature } from "../../executor/auth/webhook-signature";
import { ToolError } from "../../executor/errors/catalogue";

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

/** A local key pair in a temporary folder for the enclosing describe, removed afterwards. */
function useLocalKeys(): { readonly dir: string; readonly keys: LocalKeys } {
  const current = {} as { dir: string; keys: LocalKeys };
  beforeAll(async () => {
    current.dir = mkdtempSync(join(tmpdir(), "fascia-auth-"));
    current.keys = await loadOrCreateLocalKeys(current.dir);
  });
  afterAll(() => rmSync(current.dir, { recursive: true, force: true }));
  return current;
}

describe("step 1: JWT callers (local mode keys)", () => {
  const local = useLocalKeys();
  const authenticate = () =>
    createJwtAuthenticator({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, keys: { publicKey: local.keys.publicKey } });

  it("accepts a minted token and reads sub and roles", async () => {
    const token = await mintLocalToken(local.keys, { sub: "cust-1", roles: ["customer"] });
    const caller = await authenticate()(`Bearer ${token}`);
    expect(caller.id).toBe("cust-1");
    expect(caller.roles).toEqual(["customer"]);
  });

  it("keeps the same key across restarts, so earlier tokens stay valid", async () => {
    const token = await mintLocalToken(local.keys, { sub: "a", roles: [] });
    const again = await loadOrCreateLocalKeys(local.dir);
    const caller = await createJwtAuthenticator({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, keys: { publicKey: again.publicKey } })(
      `Bearer ${token}`,
    );
    expect(caller.id).toBe("a");
  });

  it("refuses a missing header, an expired token, a wrong audience and a foreign signature", async () => {
    expect(await refusal(() => authenticate()(undefined))).toBe("no Authorization header");
    expect(await refusal(() => authenticate()("Basic abc"))).toMatch(/not `Bearer <token>`/);
    const expired = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: "ES256" })
      .setSubject("x")
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(local.keys.privateKey);
    expect(await refusal(() => authenticate()(`Bearer ${expired}`))).toBe("the token has expired");
    const otherAudience = await mintLocalToken(local.keys, { sub: "x", roles: [], audience: "someone-else" });
    expect(await refusal(() => authenticate()(`Bearer ${otherAudience}`))).toBe("the token's aud claim is not accepted");
    const stranger = await loadOrCreateLocalKeys(mkdtempSync(join(tmpdir(), "fascia-auth-other-")));
    const forged = await mintLocalToken(stranger, { sub: "x", roles: ["staff"] });
    expect(await refusal(() => authenticate()(`Bearer ${forged}`))).toBe("the token's signature does not verify");
  });
});

describe("step 1: a bearer token must expire, within the maximum lifetime", () => {
  const local = useLocalKeys();
  const NOW = 1_800_000_000;
  const authenticate = (maxLifetimeSeconds?: number) =>
    createJwtAuthenticator({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      keys: { publicKey: local.keys.publicKey },
      nowSeconds: () => NOW,
      ...(maxLifetimeSeconds ? { maxLifetimeSeconds } : {}),
    });
  const token = (claims: { iat?: number; exp?: number }) => {
    const jwt = new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: "ES256" })
      .setSubject("x")
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE);
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(local.keys.privateKey);
  };
  const DAY = 86_400;

  it("refuses a token without exp", async () => {
    expect(await refusal(async () => authenticate()(`Bearer ${await token({ iat: NOW })}`))).toBe(
      "the token has no expiry (exp); tokens that never expire are not accepted",
    );
    expect(await refusal(async () => authenticate()(`Bearer ${await token({})}`))).toMatch(/no expiry/);
  });

  it("refuses a token issued for longer than 24 h, by exp − iat", async () => {
    expect(await refusal(async () => authenticate()(`Bearer ${await token({ iat: NOW - 60, exp: NOW - 60 + DAY + 1 })}`))).toBe(
      `the token is valid for too long (exp − iat = ${DAY + 1} s; at most ${DAY} s is accepted)`,
    );
    expect((await authenticate()(`Bearer ${await token({ iat: NOW - 60, exp: NOW - 60 + DAY })}`)).id).toBe("x");
  });

  it("without iat, by exp − now", async () => {
    expect(await refusal(async () => authenticate()(`Bearer ${await token({ exp: NOW + 30 * DAY })}`))).toBe(
      `the token is valid for too long (exp − now = ${30 * DAY} s; at most ${DAY} s is accepted)`,
    );
    expect((await authenticate()(`Bearer ${await token({ exp: NOW + 3600 })}`)).id).toBe("x");
  });

  it("takes another maximum when configured", async () => {
    const week = await token({ iat: NOW, exp: NOW + 7 * DAY });
    expect((await authenticate(7 * DAY)(`Bearer ${week}`)).id).toBe("x");
    expect(await refusal(() => authenticate(3600)(`Bearer ${week}`))).toMatch(/at most 3600 s is accepted/);
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
    expect(
      await refusal(() => verifyWebhookSignature(secret, signWebhook(secret, body, now), body.replace("failed", "succeeded"), now)),
    ).toBe("the signature does not match the body");
    expect(await refusal(() => verifyWebhookSignature(secret, signWebhook("other", body, now), body, now))).toBe(
      "the signature does not match the body",
    );
    expect(await refusal(() => verifyWebhookSignature(secret, undefined, body, now))).toBe("no signature header");
    expect(await refusal(() => verifyWebhookSignature(secret, signWebhook(secret, body, now - 301), body, now))).toMatch(
      /outside the 300s window/,
    );
    expect(await refusal(() => verifyWebhookSignature(secret, "v1=abc", body, now))).toMatch(/not `t=<seconds>,v1=<hex>`/);
  });
});

describe("step 1: verified tokens are remembered, never beyond their validity", () => {
  const local = useLocalKeys();

  /** An authenticator on a settable clock that counts the real verifications it makes. */
  function counting(tokenCache?: { maxEntries: number; maxAgeSeconds: number }) {
    const clock = { now: Math.floor(Date.now() / 1000) };
    const counter = { verifications: 0 };
    const authenticate = createJwtAuthenticator({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      keys: { publicKey: local.keys.publicKey },
      ...(tokenCache ? { tokenCache } : {}),
      nowSeconds: () => clock.now,
      verify: ((...args: Parameters<typeof jwtVerify>) => {
        counter.verifications++;
        return jwtVerify(...args);
      }) as typeof jwtVerify,
    });
    return { authenticate, clock, counter };
  }
  const token = (exp: number, sub = "cust-1") =>
    new SignJWT({ roles: ["customer"] })
      .setProtectedHeader({ alg: "ES256" })
      .setSubject(sub)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime(exp)
      .sign(local.keys.privateKey);

  it("verifies a token once and then answers from memory, with the same caller", async () => {
    const { authenticate, clock, counter } = counting();
    const t = await token(clock.now + 3600);
    const first = await authenticate(`Bearer ${t}`);
    const again = await authenticate(`Bearer ${t}`);
    expect(counter.verifications).toBe(1);
    expect(again).toEqual(first);
    expect(Object.isFrozen(again.claims)).toBe(true);
  });

  it("re-verifies after the cache's maximum age, and refuses an expired token although it was remembered", async () => {
    const { authenticate, clock, counter } = counting({ maxEntries: 100, maxAgeSeconds: 60 });
    const t = await token(clock.now + 120);
    await authenticate(`Bearer ${t}`);
    clock.now += 61;
    await authenticate(`Bearer ${t}`);
    expect(counter.verifications).toBe(2);
    clock.now += 120; // past exp + the 30 s tolerance
    expect(await refusal(() => authenticate(`Bearer ${t}`))).toBe("the token has expired");
    expect(counter.verifications).toBe(3);
  });

  it("matches the whole token: a changed signature is verified (and refused), never served from memory", async () => {
    const { authenticate, clock, counter } = counting();
    const t = await token(clock.now + 3600);
    await authenticate(`Bearer ${t}`);
    const tampered = t.slice(0, -2) + (t.endsWith("AA") ? "BB" : "AA");
    expect(await refusal(() => authenticate(`Bearer ${tampered}`))).toBe("the token's signature does not verify");
    expect(counter.verifications).toBe(2);
  });

  it("keeps at most maxEntries tokens, and with 0 verifies every request", async () => {
    const small = counting({ maxEntries: 2, maxAgeSeconds: 60 });
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((sub) => token(small.clock.now + 3600, sub)));
    for (const t of [a, b, c, a]) await small.authenticate(`Bearer ${t}`);
    expect(small.counter.verifications).toBe(4); // a was the oldest when c came in
    const off = counting({ maxEntries: 0, maxAgeSeconds: 60 });
    for (let i = 0; i < 3; i++) await off.authenticate(`Bearer ${a}`);
    expect(off.counter.verifications).toBe(3);
  });
});
