/**
 * A loopback stand-in for the subset of Cloud Storage's JSON API a witness uses, on a bucket with a
 * retention policy: media upload (`ifGenerationMatch=0` → 412 when the object exists; overwriting or
 * deleting is refused with 403, as a retention policy does), objects.list with
 * prefix/pageToken/maxResults in name order, and objects.get with `alt=media`. Every request must
 * carry `Authorization: Bearer <token>`. The same server plays the metadata server, answering
 * GET /computeMetadata/v1/instance/service-accounts/default/token (with `Metadata-Flavor: Google`).
 * What happened is kept so a test can see it: each request, each token request.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface GcsServerOptions {
  bucket: string;
  /** The token the storage routes require, and the metadata route hands out. */
  token: string;
  /** The metadata token's expires_in, in seconds (default 3599). */
  expiresIn?: number;
}

export interface GcsServer {
  /** The JSON API's root and the metadata server's, both `http://127.0.0.1:port`. */
  readonly url: string;
  readonly host: string;
  /** Objects by name: a test may read them, or put one there as if written by someone else. */
  readonly objects: Map<string, string>;
  /** Every request: method, path and query, and its status. */
  readonly requests: { method: string; path: string; query: URLSearchParams; status: number }[];
  /** How many tokens the metadata route handed out. */
  tokenRequests: number;
  /** The next `n` storage requests answer this status (503, 429 …) before reaching the bucket. */
  failNext(n: number, status: number): void;
  /** The token the storage routes take from now on (and the metadata route hands out). */
  setToken(token: string): void;
  close(): Promise<void>;
}

export async function startGcsServer(options: GcsServerOptions): Promise<GcsServer> {
  const objects = new Map<string, string>();
  const requests: GcsServer["requests"] = [];
  let token = options.token;
  let failures = { n: 0, status: 503 };
  const state = { tokenRequests: 0 };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const body = await readBody(req);
      const answer = (status: number, payload?: unknown, contentType = "application/json") => {
        requests.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, status });
        const text = payload === undefined ? "" : typeof payload === "string" ? payload : JSON.stringify(payload);
        res.writeHead(status, { "content-type": contentType }).end(text);
      };
      const error = (status: number, message: string) => answer(status, { error: { code: status, message } });

      if (url.pathname === "/computeMetadata/v1/instance/service-accounts/default/token") {
        if (req.headers["metadata-flavor"] !== "Google") return error(403, "Missing Metadata-Flavor: Google");
        state.tokenRequests++;
        return answer(200, { access_token: token, expires_in: options.expiresIn ?? 3599, token_type: "Bearer" });
      }
      if (failures.n > 0) {
        failures.n--;
        return error(failures.status, "try again");
      }
      if (req.headers.authorization !== `Bearer ${token}`) return error(401, "Invalid Credentials");

      const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      const object = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
      const bucket = decodeURIComponent((upload ?? list ?? object)?.[1] ?? "");
      if (bucket !== options.bucket) return error(404, `The specified bucket does not exist: ${bucket}`);

      if (upload && req.method === "POST") {
        const name = url.searchParams.get("name");
        if (url.searchParams.get("uploadType") !== "media" || !name) return error(400, "uploadType=media and name are required");
        if (objects.has(name)) {
          if (url.searchParams.get("ifGenerationMatch") === "0")
            return error(412, "At least one of the pre-conditions you specified did not hold.");
          return error(
            403,
            `Object '${bucket}/${name}' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until ...`,
          );
        }
        objects.set(name, body);
        return answer(200, { kind: "storage#object", bucket, name, generation: String(Date.now()), size: String(Buffer.byteLength(body)) });
      }
      if (list && req.method === "GET") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const maxResults = Math.min(1000, Number(url.searchParams.get("maxResults") ?? 1000));
        const after = url.searchParams.get("pageToken")
          ? Buffer.from(url.searchParams.get("pageToken")!, "base64url").toString("utf8")
          : "";
        const names = [...objects.keys()]
          .filter((name) => name.startsWith(prefix) && name > after)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const page = names.slice(0, maxResults);
        const more = names.length > page.length;
        return answer(200, {
          kind: "storage#objects",
          items: page.map((name) => ({ kind: "storage#object", bucket, name, size: String(Buffer.byteLength(objects.get(name)!)) })),
          ...(more ? { nextPageToken: Buffer.from(page[page.length - 1]!, "utf8").toString("base64url") } : {}),
        });
      }
      if (object) {
        const name = decodeURIComponent(object[2]!);
        if (req.method === "DELETE")
          return objects.has(name)
            ? error(403, `Object '${bucket}/${name}' is subject to bucket's retention policy`)
            : error(404, "No such object");
        if (req.method === "GET") {
          const content = objects.get(name);
          if (content === undefined) return error(404, `No such object: ${bucket}/${name}`);
          if (url.searchParams.get("alt") === "media") return answer(200, content, "application/octet-stream");
          return answer(200, { kind: "storage#object", bucket, name });
        }
      }
      return error(405, `${req.method} ${url.pathname} is not served here`);
    })().catch((error: Error) => res.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}`,
    host,
    objects,
    requests,
    get tokenRequests() {
      return state.tokenRequests;
    },
    set tokenRequests(n: number) {
      state.tokenRequests = n;
    },
    failNext(n, status) {
      failures = { n, status };
    },
    setToken(next) {
      token = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
