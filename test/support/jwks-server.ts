/** A loopback JWKS endpoint serving the given public keys, playing an identity provider's key set for tests. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";

export interface JwksServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveJwks(keys: JWK[], path = "/certs"): Promise<JwksServer> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
