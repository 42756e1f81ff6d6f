import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { runCli } from "../../cli/main";
import { createJwtAuthenticator } from "../../executor/auth/jwt-authenticator";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalKeys } from "../../executor/auth/local-keys";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), isTTY: false } };
}

describe("fascia token", () => {
  const dir = mkdtempSync(join(tmpdir(), "fascia-token-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("mints a token the app's authenticator accepts, with the given subject and roles", async () => {
    const run = io();
    expect(await runCli(["token", dir, "--sub", "cust-7", "--role", "customer", "--role", "staff"], run.io)).toBe(0);
    const token = run.out.join("").trim();
    expect(decodeJwt(token)).toMatchObject({ sub: "cust-7", roles: ["customer", "staff"], iss: LOCAL_ISSUER });
    const keys = await loadOrCreateLocalKeys(dir);
    const caller = await createJwtAuthenticator({ issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, keys: { publicKey: keys.publicKey } })(
      `Bearer ${token}`,
    );
    expect(caller).toMatchObject({ id: "cust-7", roles: ["customer", "staff"] });
  });

  it("is a usage error without --sub, with a bad --expires or a missing dir", async () => {
    expect(await runCli(["token", dir], io().io)).toBe(2);
    expect(await runCli(["token", dir, "--sub", "a", "--expires", "soon"], io().io)).toBe(2);
    expect(await runCli(["token", join(dir, "nope"), "--sub", "a"], io().io)).toBe(2);
  });

  it("has --help", async () => {
    const run = io();
    expect(await runCli(["token", "--help"], run.io)).toBe(0);
    expect(run.out.join("")).toContain("--role <role>");
  });
});
