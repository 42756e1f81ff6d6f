/**
 * A loopback Bearer token server for a docker-registry started with `auth: token` (distribution's
 * token spec): GET /token?service=…&scope=repository:NAME:ACTIONS with Basic credentials answers
 * `{token}`, a JWT signed (ES256, `x5c` header) by a key whose self-signed certificate is the
 * registry's rootcertbundle. Every scope asked for is granted to the right user; anyone else gets
 * 401. What was asked is kept, so a test can see the Bearer flow happen.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importPKCS8, SignJWT } from "jose";
import { selfSignedCertificate, type TokenAuth } from "./registry";

export interface TokenServer {
  readonly auth: TokenAuth;
  /** The scopes of each token request, in order. */
  readonly requests: { user: string | undefined; scopes: string[] }[];
  close(): Promise<void>;
}

export async function startTokenServer(credentials: { username: string; password: string }): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), "fascia-token-"));
  const { cert, key } = selfSignedCertificate(dir, "token", "/CN=fascia-test-token-issuer");
  const signingKey = await importPKCS8(readFileSync(key, "utf8"), "ES256");
  const der = Buffer.from(
    readFileSync(cert, "utf8")
      .replace(/-----(BEGIN|END) CERTIFICATE-----/g, "")
      .replace(/\s+/g, ""),
    "base64",
  ).toString("base64");
  const issuer = "fascia-test-issuer";
  const service = "fascia-test-registry";
  const requests: TokenServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const header = req.headers.authorization ?? "";
      const [user, password] = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8").split(/:(.*)/s) : [];
      const scopes = url.searchParams.getAll("scope");
      requests.push({ user, scopes });
      if (user !== credentials.username || password !== credentials.password) {
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] }));
        return;
      }
      const access = scopes.map((scope) => {
        const [type, ...rest] = scope.split(":");
        const actions = rest.pop()!.split(",");
        return { type, name: rest.join(":"), actions };
      });
      const token = await new SignJWT({ access })
        .setProtectedHeader({ alg: "ES256", x5c: [der] })
        .setIssuer(issuer)
        .setSubject(user)
        .setAudience(url.searchParams.get("service") ?? service)
        .setIssuedAt()
        .setNotBefore("-1 min")
        .setExpirationTime("10 min")
        .setJti(randomUUID())
        .sign(signingKey);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token, expires_in: 600 }));
    })().catch((error: Error) => res.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    auth: { realm: `http://127.0.0.1:${port}/token`, service, issuer, rootCertBundle: cert },
    requests,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
