/**
 * The HTTP edge (issue 12, section 4) on a real socket on 127.0.0.1: slow or stalled clients are
 * cut off by the request, headers and keep-alive timeouts.
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
    expect(result.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a socket that never finishes its headers", async () => {
    const result = await exchange(address, ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "]);
    expect(result.closedAfterMs).not.toBeNull();
    expect(result.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a kept-alive connection left idle after its answer", async () => {
    const result = await exchange(address, ["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"]);
    expect(result.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(result.closedAfterMs).not.toBeNull();
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
