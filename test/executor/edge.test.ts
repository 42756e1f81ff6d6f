/**
 * The HTTP edge (issue 12, section 4) on a real socket on 127.0.0.1: slow or stalled clients are
 * cut off by the request, headers and keep-alive timeouts; what Node refuses before routing
 * (408, 431, bytes that are not HTTP) answers the contract's error body with an invocation id;
 * error details are capped.
 */
import { connect, type Socket } from "node:net";
import { loadExecutorConfig } from "../../executor/server/config";
import { startHarness, type Harness } from "./support/harness";

const TIMEOUTS = { requestMs: 400, headersMs: 300, keepAliveMs: 300, idleMs: 400 };
/** Far above each bound (and the checking interval), far below the test's own timeout. */
const CLOSED_WITHIN_MS = 3_000;

interface Exchange {
  /** Milliseconds from the first byte written until the server closed the socket, or null if it did not within CLOSED_WITHIN_MS. */
  closedAfterMs: number | null;
  received: string;
}

/** Writes `chunks` to a fresh socket (no end: the client stays open) and waits for the server to close it. */
function exchange(address: string, chunks: string[]): Promise<Exchange> {
  const { hostname, port } = new URL(address);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    let received = "";
    const started = Date.now();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedAfterMs: null, received });
    }, CLOSED_WITHIN_MS);
    socket.on("data", (data: Buffer) => (received += data.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
    socket.on("connect", () => chunks.forEach((c) => socket.write(c)));
  });
}

/** A raw HTTP/1.1 answer taken apart: status, headers (lower-case names) and the JSON body. */
function answerOf(raw: string): { status: number; headers: Record<string, string>; body: unknown } {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine.split(" ")[1]), headers, body: JSON.parse(body) as unknown };
}

const INVOCATION_ID = /^[0-9a-f-]{36}$/;

describe("the HTTP server's timeouts", () => {
  let h: Harness;
  let address: string;
  beforeAll(async () => {
    h = await startHarness("pglite", { server: { timeouts: TIMEOUTS } });
    address = await h.server.listen({ port: 0, host: "127.0.0.1" });
  }, 60_000);
  afterAll(() => h?.close());

  it("closes a socket that sent its headers and one byte of a body", async () => {
    const head = "POST /reservations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    const result = await exchange(address, [head, "{"]);
    expect(result.closedAfterMs).not.toBeNull();
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUTS.headersMs - 50);
    const answer = answerOf(result.received);
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ error: { code: "REQUEST_TIMEOUT", message: "the request did not arrive in time", details: [] } });
    expect(answer.headers["x-fascia-invocation-id"]).toMatch(INVOCATION_ID);
  });

  it("closes a socket that never finishes its headers", async () => {
    const result = await exchange(address, ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "]);
    expect(result.closedAfterMs).not.toBeNull();
    expect(answerOf(result.received)).toMatchObject({ status: 408, body: { error: { code: "REQUEST_TIMEOUT" } } });
  });

  it("closes a kept-alive connection left idle after its answer", async () => {
    const result = await exchange(address, ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"]);
    expect(result.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(result.closedAfterMs).not.toBeNull();
  });

  it("never close a socket while the longest tool may still run on it", () => {
    const longest = Math.max(...[...h.server.executor.app.tools.values()].map((t) => t.plan.deadline.ms));
    expect(longest).toBeGreaterThan(TIMEOUTS.idleMs);
    expect(h.server.server.timeout).toBe(longest + 10_000);
    expect(h.server.server.requestTimeout).toBe(TIMEOUTS.requestMs);
    expect(h.server.server.headersTimeout).toBe(TIMEOUTS.headersMs);
    expect(h.server.server.keepAliveTimeout).toBe(TIMEOUTS.keepAliveMs);
  });

  it("are read from the environment, headers never longer than the whole request", () => {
    const base = { FASCIA_DB_URL: "pglite:memory" };
    expect(loadExecutorConfig(base).httpTimeouts).toEqual({ requestMs: 30_000, headersMs: 10_000, keepAliveMs: 65_000, idleMs: 60_000 });
    const env = {
      ...base,
      FASCIA_HTTP_REQUEST_TIMEOUT_MS: "5000",
      FASCIA_HTTP_HEADERS_TIMEOUT_MS: "2000",
      FASCIA_HTTP_KEEP_ALIVE_TIMEOUT_MS: "1000",
      FASCIA_HTTP_IDLE_TIMEOUT_MS: "9000",
    };
    expect(loadExecutorConfig(env).httpTimeouts).toEqual({ requestMs: 5000, headersMs: 2000, keepAliveMs: 1000, idleMs: 9000 });
    expect(() => loadExecutorConfig({ ...env, FASCIA_HTTP_HEADERS_TIMEOUT_MS: "6000" })).toThrow(
      "FASCIA_HTTP_HEADERS_TIMEOUT_MS (6000) must not exceed FASCIA_HTTP_REQUEST_TIMEOUT_MS (5000)",
    );
    expect(() => loadExecutorConfig({ ...base, FASCIA_HTTP_IDLE_TIMEOUT_MS: "0" })).toThrow(
      "FASCIA_HTTP_IDLE_TIMEOUT_MS must be an integer ≥ 1",
    );
  });
});

describe("refusals before routing, in the contract's error body", () => {
  let h: Harness;
  let address: string;
  beforeAll(async () => {
    h = await startHarness("pglite");
    address = await h.server.listen({ port: 0, host: "127.0.0.1" });
  }, 60_000);
  afterAll(() => h?.close());

  it("headers over Node's limit are 431 HEADERS_TOO_LARGE", async () => {
    const result = await exchange(address, [`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`]);
    const answer = answerOf(result.received);
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({ error: { code: "HEADERS_TOO_LARGE", message: "the request's headers are too large", details: [] } });
    expect(answer.headers["x-fascia-invocation-id"]).toMatch(INVOCATION_ID);
    expect(result.closedAfterMs).not.toBeNull();
  });

  it("bytes that are not HTTP are 400 INVALID_INPUT at `request`", async () => {
    const result = await exchange(address, ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n"]);
    const answer = answerOf(result.received);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: "INVALID_INPUT",
        message: "the request is not valid HTTP",
        details: [{ path: "request", message: expect.any(String) }],
      },
    });
    expect(answer.headers["x-fascia-invocation-id"]).toMatch(INVOCATION_ID);
  });

  it("a path parameter over 100 characters is 400 saying so, not a missing route", async () => {
    const response = await h.server.inject({ method: "POST", url: `/reservations/${"r".repeat(150)}/cancel` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: "INVALID_INPUT",
        message: "the URL is not valid",
        details: [{ path: "path", message: "has a segment longer than 100 characters" }],
      },
    });
    expect(response.headers["x-fascia-invocation-id"]).toMatch(INVOCATION_ID);
  });

  it("60,000 unknown body keys answer 50 details and a count of the rest, in a few kilobytes", async () => {
    const token = await h.token(await h.seedCustomer(), ["customer"]);
    const body = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 1]));
    const response = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(10_000);
    const details = response.json<{ error: { details: { path?: string; message: string; omitted?: number }[] } }>().error.details;
    expect(details).toHaveLength(51);
    expect(details).toContainEqual({ path: "body.k0", message: "is not an input field of this tool" });
    expect(details[50]!.omitted).toBeGreaterThanOrEqual(60_000 - 50);
    expect(details[50]!.message).toBe(`and ${details[50]!.omitted} more problems not listed`);
  });

  it("a detail's path echoing a very long key is cut", async () => {
    const token = await h.token(await h.seedCustomer(), ["customer"]);
    const response = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify({ ["x".repeat(100_000)]: 1 }),
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json<{ error: { details: { path?: string }[] } }>().error.details.map((d) => d.path ?? "");
    expect(Math.max(...paths.map((p) => p.length))).toBeLessThanOrEqual(201);
    expect(paths).toContain(`body.${"x".repeat(195)}…`);
  });

  it("a NUL in a field is 400 at its path before anything is written; a query parameter of a body tool is refused", async () => {
    const token = await h.token("staff-1", ["staff"]);
    const before = await h.count("customer");
    const post = (url: string, name: string) =>
      h.server.inject({
        method: "POST",
        url,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        payload: JSON.stringify({ name, email: "ada@example.com" }),
      });
    const nul = await post("/customers", "Ada\u0000");
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.details).toEqual([{ path: "body.name", message: "contains a NUL character (U+0000), which cannot be stored" }]);
    const query = await post("/customers?admin=1", "Ada");
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details).toEqual([
      { path: "query.admin", message: "is not an input field of this tool (it reads its input from the body)" },
    ]);
    expect(await h.count("customer")).toBe(before);
  });

  it("a decimal with more digits after the point than its scale is 400 at its path, never stored rounded", async () => {
    const token = await h.token("staff-1", ["staff"]);
    const before = await h.count("room");
    // Raw JSON, so the exponent forms reach the server as written.
    for (const [raw, places] of [
      ["0.001", 3],
      ["1e-7", 7],
      ['"0.001"', 3],
      ["19.999", 3],
    ] as const) {
      const response = await h.server.inject({
        method: "POST",
        url: "/rooms",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        payload: `{"number": "D-${places}", "capacity": 2, "nightlyRate": ${raw}}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: "INVALID_INPUT" });
      expect(response.json().error.details).toContainEqual({
        path: "body.nightlyRate",
        message: `has ${places} digits after the point; at most 2`,
      });
    }
    expect(await h.count("room")).toBe(before);
    const exponent = await h.server.inject({
      method: "POST",
      url: "/rooms",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: `{"number": "D-exp", "capacity": 2, "nightlyRate": 1.5E+2}`,
    });
    expect(exponent.statusCode).toBe(200);
    const stored = await h.test.db.query<{ nightly_rate: string }>(`SELECT "nightly_rate"::text FROM "room" WHERE "number" = 'D-exp'`);
    expect(stored.rows[0]!.nightly_rate).toBe("150.00");
  });
});
