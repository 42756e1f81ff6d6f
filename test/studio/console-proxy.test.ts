/**
 * The Console's proxy (studio/console-proxy.ts) against a stand-in executor: only the operator
 * API's routes and the OpenAPI document pass, each with the studio's token (never the browser's);
 * anything but GET is refused; the executor's refusals keep their status; an executor that is down
 * or hangs is said to be so.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { jwtVerify } from "jose";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalKeys } from "../../executor/auth/local-keys";
import { registerConsoleProxy } from "../../studio/console-proxy";
import { CONSOLE_SUBJECT } from "../../studio/console-token";
import type { ConsoleInfo } from "../../studio/protocol";
import { startStudio, type Studio } from "../../studio/server";
import { getWithForeignHost } from "./support/foreign-host";

const EXAMPLE = join(__dirname, "../../examples/reservations");

interface Seen {
  url: string;
  authorization?: string;
}

let root: string;
let executor: FastifyInstance;
let executorUrl: string;
let seen: Seen[];
let studio: Studio;
let localStudio: Studio;

async function listen(server: FastifyInstance): Promise<string> {
  await server.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
}

async function get(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "fascia-console-proxy-"));
  const dir = join(root, "app");
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !source.includes(".fascia") });
  const assets = join(root, "assets");
  mkdirSync(assets);
  writeFileSync(join(assets, "index.html"), "<!doctype html><div id=root></div>");

  seen = [];
  executor = Fastify({ logger: false, forceCloseConnections: true });
  executor.addHook("onRequest", async (req) => void seen.push({ url: req.url, authorization: req.headers.authorization }));
  executor.get("/_fascia/invocations", async () => ({ items: [], head: 7 }));
  executor.get("/_fascia/invocations/:id", async (req, reply) =>
    (req.params as { id: string }).id === "missing"
      ? reply.code(404).send({ error: { code: "NOT_FOUND", message: "no invocation missing", details: [] } })
      : { invocationId: (req.params as { id: string }).id },
  );
  executor.get("/_fascia/settings", async (_req, reply) =>
    reply.code(403).send({ error: { code: "FORBIDDEN", message: "role operator required", details: [] } }),
  );
  executor.get("/_fascia/openapi.json", async () => ({ openapi: "3.1.0" }));
  executor.get("/_fascia/deployment", async (_req, reply) =>
    reply.code(401).send({ error: { code: "UNAUTHENTICATED", message: "no bearer token", details: [] } }),
  );
  executor.get("/_fascia/metrics", async () => new Promise(() => undefined));
  executor.get("/healthz", async () => ({ status: "ok" }));
  executorUrl = await listen(executor);

  studio = await startStudio({ dir, port: 0, assetsDir: assets, console: { executor: executorUrl, token: "given-token" } });
  localStudio = await startStudio({ dir, port: 0, assetsDir: assets, console: { executor: executorUrl } });
});

afterAll(async () => {
  await studio?.close();
  await localStudio?.close();
  await executor?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(() => (seen = []));

describe("the Console's proxy", () => {
  it("says which executor it reads and where its token comes from", async () => {
    expect((await get(studio.url, "/api/console")).body).toEqual({ executor: executorUrl, token: "given" } satisfies ConsoleInfo);
    expect((await get(localStudio.url, "/api/console")).body).toEqual({ executor: executorUrl, token: "local" } satisfies ConsoleInfo);
  });

  it("passes the operator routes and the OpenAPI document, query and all, with the studio's token and not the browser's", async () => {
    const page = await get(studio.url, "/api/console/invocations?tool=confirmReservation&limit=5", {
      headers: { authorization: "Bearer from-the-page" },
    });
    expect(page).toEqual({ status: 200, body: { items: [], head: 7 } });
    expect((await get(studio.url, "/api/console/invocations/inv-1")).body).toEqual({ invocationId: "inv-1" });
    expect((await get(studio.url, "/api/console/openapi.json")).body).toEqual({ openapi: "3.1.0" });
    expect(seen).toEqual([
      { url: "/_fascia/invocations?tool=confirmReservation&limit=5", authorization: "Bearer given-token" },
      { url: "/_fascia/invocations/inv-1", authorization: "Bearer given-token" },
      { url: "/_fascia/openapi.json", authorization: "Bearer given-token" },
    ]);
  });

  it("mints a local operator token from the app's keys when none is given", async () => {
    await get(localStudio.url, "/api/console/invocations");
    const token = seen[0]!.authorization!.replace(/^Bearer /, "");
    const keys = await loadOrCreateLocalKeys(join(root, "app"));
    const { payload } = await jwtVerify(token, keys.publicKey, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
    expect(payload).toMatchObject({ sub: CONSOLE_SUBJECT, roles: ["operator"] });
  });

  it("reads nothing outside the allow-list", async () => {
    for (const path of [
      "/healthz",
      "/scheduled/completeStays",
      "/invocations/a/b",
      "/invocations/..",
      "/invocations/%2e%2e",
      "/invocations/",
      "/audit",
    ]) {
      const answer = await get(studio.url, `/api/console${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
    }
    expect(seen).toEqual([]);
  });

  it("refuses every method but GET", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const answer = await get(studio.url, "/api/console/invocations", {
        method,
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect({ method, status: answer.status }).toEqual({ method, status: 405 });
    }
    expect(seen).toEqual([]);
  });

  it("passes the executor's refusals through with their status and message", async () => {
    expect(await get(studio.url, "/api/console/settings")).toEqual({
      status: 403,
      body: {
        error: "the executor answered 403: role operator required (the token lacks the executor's operator role)",
        code: "FORBIDDEN",
      },
    });
    expect(await get(studio.url, "/api/console/invocations/missing")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await get(studio.url, "/api/console/deployment")).toEqual({
      status: 401,
      body: {
        error:
          "the executor answered 401: no bearer token (the executor refused the token given with --token: expired, or of another issuer or audience)",
        code: "UNAUTHENTICATED",
      },
    });
  });

  it("says so when the executor is not reachable, or does not answer in time", async () => {
    const closed = Fastify();
    const url = await listen(closed);
    await closed.close();
    const down = await startStudio({
      dir: join(root, "app"),
      port: 0,
      assetsDir: join(root, "assets"),
      console: { executor: url, token: "t" },
    });
    try {
      const answer = await get(down.url, "/api/console/invocations");
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ code: "EXECUTOR_UNREACHABLE" });
      expect(answer.body.error).toMatch(new RegExp(`^executor not reachable at ${url} \\(ECONNREFUSED\\)`));
    } finally {
      await down.close();
    }

    const hurried = Fastify();
    registerConsoleProxy(hurried, { executor: executorUrl, token: async () => "t", tokenSource: "given", timeoutMs: 200 });
    const slow = await hurried.inject({ method: "GET", url: "/api/console/metrics" });
    await hurried.close();
    expect(slow.statusCode).toBe(504);
    expect(slow.json()).toEqual({ error: `the executor at ${executorUrl} did not answer within 0.2 s`, code: "EXECUTOR_TIMEOUT" });
  });

  it("keeps the studio's Host check", async () => {
    expect(await getWithForeignHost(`${studio.url}/api/console/invocations`)).toBe(403);
    expect(seen).toEqual([]);
  });
});
