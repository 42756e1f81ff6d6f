/**
 * A loopback TCP proxy that delays every chunk, in each direction, by a one-way delay (ms,
 * fractional allowed): put between a server and PostgreSQL, the server meets the round trip a
 * deployment meets (Cloud Run → Cloud SQL: about 0.5–1 ms each way) instead of loopback's ~50 µs.
 *
 * Every chunk is stamped when it is read and sent on at stamp + delay. The delay is the same for
 * every chunk, so due times grow with arrival order: one FIFO for all connections and both
 * directions keeps each direction's order, and no chunk waits for another connection's (the
 * proxy adds latency, not a throughput limit: chunks read together leave together).
 *
 * Waiting precisely below Node's 1 ms timer granularity without spinning a core: setTimeout
 * for the bulk of a wait longer than 2 ms, then slices of at most SLICE_MS blocked in
 * Atomics.wait (a futex sleep, fractional ms) with a setImmediate between slices so sockets are
 * read meanwhile. A chunk read after a slice is stamped up to SLICE_MS late, so the added delay
 * is the configured one plus at most a slice plus the event loop's lag; `measureRoundTrip`
 * measures what it really adds (SELECT 1 through the proxy against SELECT 1 direct), and the
 * benchmark prints that. Because the thread blocks in slices, the proxy runs in a process of its
 * own (startLatencyProxy spawns latency-proxy-main.ts), never in the process generating load.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { Client } from "pg";
import { median } from "../result";
import { cpuMsOf } from "./processes";

/** The longest a sleep between two looks at the sockets lasts (ms). */
export const SLICE_MS = 0.1;

interface Pending {
  due: number;
  to: Socket;
  /** null: the sending side ended; end the other side once what it sent before has gone. */
  data: Buffer | null;
}

/** The proxy itself, in this process (which it blocks in slices of SLICE_MS while chunks wait). */
export async function listenLatencyProxy(o: { target: { host: string; port: number }; delayMs: number; port?: number }): Promise<Server> {
  const queue: Pending[] = [];
  let head = 0;
  let pumping = false;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));

  const pump = () => {
    pumping = false;
    const now = performance.now();
    while (head < queue.length && queue[head]!.due <= now) {
      const { to, data } = queue[head]!;
      queue[head++] = undefined as unknown as Pending;
      if (to.destroyed) continue;
      if (data === null) to.end();
      else to.write(data);
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
      return;
    }
    if (head > 1024) {
      queue.splice(0, head);
      head = 0;
    }
    pumping = true;
    const wait = queue[head]!.due - now;
    if (wait > 2) {
      setTimeout(pump, wait - 2);
    } else {
      Atomics.wait(sleeper, 0, 0, Math.min(wait, SLICE_MS));
      setImmediate(pump);
    }
  };
  const enqueue = (to: Socket, data: Buffer | null) => {
    queue.push({ due: performance.now() + o.delayMs, to, data });
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  };

  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = connect({ host: o.target.host, port: o.target.port, noDelay: true });
    const pair: [Socket, Socket][] = [
      [client, upstream],
      [upstream, client],
    ];
    for (const [from, to] of pair) {
      from.on("data", (data) => enqueue(to, data));
      from.on("end", () => enqueue(to, null));
      // A reset on one side resets the other (no delay: nothing is in flight that could still arrive).
      from.on("error", () => to.destroy());
      from.on("close", () => setTimeout(() => to.destroy(), o.delayMs + 50).unref());
    }
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  return server;
}

export interface LatencyProxy {
  readonly port: number;
  readonly delayMs: number;
  /** `url` (a postgres:// URL) with its host and port replaced by the proxy's. */
  through(url: string): string;
  /** CPU time the proxy's process has used so far (user + system), ms; null off Linux. */
  cpuMs(): number | null;
  stop(): Promise<void>;
}

/** The proxy in a child process of its own (`node --import tsx latency-proxy-main.ts`), listening on loopback. */
export async function startLatencyProxy(o: { target: { host: string; port: number }; delayMs: number }): Promise<LatencyProxy> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(__dirname, "latency-proxy-main.ts")], {
    cwd: join(__dirname, "..", ".."),
    env: {
      PATH: process.env.PATH ?? "",
      LATENCY_PROXY_TARGET: `${o.target.host}:${o.target.port}`,
      LATENCY_PROXY_DELAY_MS: String(o.delayMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve(Number((JSON.parse(line) as { port: number }).port)));
    child.once("exit", (code) => reject(new Error(`the latency proxy exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    port,
    delayMs: o.delayMs,
    through: (url) => {
      const u = new URL(url);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    cpuMs: () => cpuMsOf(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface RoundTrip {
  /** Median `SELECT 1` round trip straight to the database, ms. */
  directMs: number;
  /** Median `SELECT 1` round trip through the proxy, ms. */
  proxiedMs: number;
  /** What the proxy adds to a round trip (proxied − direct medians), ms: about twice the one-way delay. */
  addedMs: number;
  /** The fastest round trip through the proxy, ms: never below twice the one-way delay. */
  proxiedMinMs: number;
}

/**
 * `SELECT 1` round trips, direct and through the proxy, alternating (so both meet the machine's
 * same moments): `pings` pairs, or, with `during`, pairs every PAUSE_MS until that work settles
 * (what the proxy adds under load: its event loop is busier then).
 */
export async function measureRoundTrip(
  directUrl: string,
  proxiedUrl: string,
  o: { pings?: number; during?: Promise<unknown> } = {},
): Promise<RoundTrip> {
  const direct = new Client({ connectionString: directUrl });
  const proxied = new Client({ connectionString: proxiedUrl });
  await Promise.all([direct.connect(), proxied.connect()]);
  let settled = false;
  void o.during?.finally(() => (settled = true)).catch(() => undefined);
  try {
    const times = { direct: [] as number[], proxied: [] as number[] };
    const ping = async (client: Client, into: number[]) => {
      const t0 = performance.now();
      await client.query("SELECT 1");
      into.push(performance.now() - t0);
    };
    // Warm both (the first queries allocate and compile).
    for (let i = 0; i < 10; i++) {
      await ping(direct, []);
      await ping(proxied, []);
    }
    for (let i = 0; o.during ? !settled : i < (o.pings ?? 200); i++) {
      await ping(direct, times.direct);
      await ping(proxied, times.proxied);
      if (o.during) await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
    if (times.direct.length === 0) return { directMs: NaN, proxiedMs: NaN, addedMs: NaN, proxiedMinMs: NaN };
    const directMs = median(times.direct);
    const proxiedMs = median(times.proxied);
    return { directMs, proxiedMs, addedMs: proxiedMs - directMs, proxiedMinMs: Math.min(...times.proxied) };
  } finally {
    await Promise.all([direct.end(), proxied.end()]);
  }
}

/** Between two pairs of pings under load. */
const PAUSE_MS = 5;
