/**
 * Under `fascia dev` every http node goes here instead of the internet: the recorder logs the
 * request (method, original URL, body size; never header values, which may hold tokens) and
 * answers 200 `{}`. It also serves the JWKS of the dev scheduler's signing key, so scheduled
 * tools are authenticated the same way Cloud Scheduler's calls are.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { ORIGINAL_URL_HEADER } from "../executor/nodes/external-services";

export interface RecordedCall {
  method: string;
  url: string;
  body: string;
}

export interface LocalHttpRecorder {
  /** Where http nodes are sent. */
  sinkUrl: string;
  /** The JWKS URL standing in for Google's certificates. */
  jwksUrl: string;
  calls(): RecordedCall[];
  close(): Promise<void>;
}

export async function startLocalHttpRecorder(options: { jwks: JWK[]; onEvent?: (line: string) => void }): Promise<LocalHttpRecorder> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/jwks") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ keys: options.jwks }));
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const original = req.headers[ORIGINAL_URL_HEADER];
      const call = {
        method: req.method ?? "GET",
        url: Array.isArray(original) ? original[0]! : (original ?? req.url ?? "/"),
        body: Buffer.concat(chunks).toString("utf8"),
      };
      calls.push(call);
      options.onEvent?.(`http: ${call.method} ${call.url} (${call.body.length} bytes) → 200`);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sinkUrl: `${base}/sink`,
    jwksUrl: `${base}/jwks`,
    calls: () => [...calls],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
