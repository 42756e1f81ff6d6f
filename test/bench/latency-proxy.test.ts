/**
 * The benchmark's latency proxy (bench/executor/latency-proxy.ts) against the real PostgreSQL:
 * it adds at least the configured delay each way, keeps a direction's bytes in order, and does
 * not serialize connections (many connections' round trips overlap). Times are compared with
 * baselines measured in the same test, with generous ratios.
 */
import { performance } from "node:perf_hooks";
import { Client } from "pg";
import { measureRoundTrip, startLatencyProxy, type LatencyProxy } from "../../bench/executor/latency-proxy";
import { postgresReachable, SERVER_URL } from "../support/databases";

const target = (() => {
  const u = new URL(SERVER_URL);
  return { host: u.hostname, port: Number(u.port || 5432) };
})();

// With CI set, an unreachable PostgreSQL fails the suite (the proxy's start or its first query throws).
const describePg = postgresReachable() || process.env.CI ? describe : describe.skip;

describePg("the benchmark's latency proxy", () => {
  const proxies: LatencyProxy[] = [];
  const start = async (delayMs: number) => {
    const proxy = await startLatencyProxy({ target, delayMs });
    proxies.push(proxy);
    return proxy;
  };
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
  });

  it.each([0.5, 2])("adds at least %s ms each way to every round trip", async (delayMs) => {
    const proxy = await start(delayMs);
    const trip = await measureRoundTrip(SERVER_URL, proxy.through(SERVER_URL), { pings: 50 });
    // Every chunk waits the delay, each way: no round trip through the proxy is faster than twice the delay.
    expect(trip.proxiedMinMs).toBeGreaterThanOrEqual(2 * delayMs);
    expect(trip.addedMs).toBeGreaterThanOrEqual(2 * delayMs * 0.9);
  });

  it("keeps each direction's bytes in order (a multi-chunk answer arrives as sent)", async () => {
    const proxy = await start(0.5);
    const sql = `SELECT string_agg(i::text, ',') AS s FROM generate_series(1, 200000) i`;
    const read = async (url: string) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return String((await client.query<{ s: string }>(sql)).rows[0]!.s);
      } finally {
        await client.end();
      }
    };
    const [direct, proxied] = await Promise.all([read(SERVER_URL), read(proxy.through(SERVER_URL))]);
    expect(proxied.length).toBeGreaterThan(1_000_000);
    expect(proxied === direct).toBe(true);
  });

  it("does not serialize connections: 20 clients' round trips overlap", async () => {
    const proxy = await start(2);
    const url = proxy.through(SERVER_URL);
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const client = new Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
    try {
      const loop = async (client: Client) => {
        for (let i = 0; i < 20; i++) await client.query("SELECT pg_sleep(0)");
      };
      await loop(clients[0]!); // warm
      let t0 = performance.now();
      await loop(clients[0]!);
      const one = performance.now() - t0;
      t0 = performance.now();
      await Promise.all(clients.map(loop));
      const twenty = performance.now() - t0;
      // Serialized, twenty loops would take ~20× one loop; overlapping, about one loop's time.
      expect(one).toBeGreaterThanOrEqual(20 * 2 * 2);
      expect(twenty).toBeLessThan(5 * one);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
