/**
 * Unknown callers are cheap to refuse (issue 12, part 3), on real servers on loopback:
 *
 * - a refusal before a caller is known (a bad token or signature, a body over the limit) is logged
 *   and counted, not appended: one aggregate record per window that had refusals, chained like
 *   any record, and the last window is flushed when the server closes; refusals after the caller is
 *   known (403) keep one record each;
 * - an address whose requests keep failing authentication gets 429 with Retry-After before any
 *   token is verified, other addresses are untouched, and X-Forwarded-For is believed only as far
 *   as FASCIA_TRUST_PROXY hops.
 */
import { request as httpRequest } from "node:http";
import { Writable } from "node:stream";
import type { AuditBody } from "../../executor/audit/audit-chain";
import { createRefusalTally, REFUSALS_TOOL } from "../../executor/audit/refusal-tally";
import { unauthenticated } from "../../executor/auth/jwt-authenticator";
import { createLogger } from "../../executor/observability/logger";
import { loadExecutorConfig } from "../../executor/server/config";
import { verifyAuditLog } from "../../executor/store/audit-verify";
import { describeEachDriver } from "../support/databases";
import { startHarness, type Harness } from "./support/harness";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { error?: { code: string; message: string } };
}

/** One request over a real socket, from `from` (any 127.x address is this machine's loopback). */
function send(
  url: string,
  options: { method?: string; path: string; from?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path, url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? "POST",
        localAddress: options.from ?? "127.0.0.1",
        headers: { ...(options.method === "GET" ? {} : { "content-type": "application/json" }), ...options.headers },
        agent: false,
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on("error", reject);
    req.end(options.method === "GET" ? undefined : (options.body ?? "{}"));
  });
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ destination }) };
}

const auditCount = async (h: Harness) => (await h.audit()).length;

describeEachDriver("refusals before a caller is known", (driver) => {
  let h: Harness;
  let url: string;
  const log = capture();

  beforeAll(async () => {
    h = await startHarness(driver, { server: { bodyLimitBytes: 2048, logger: log.logger, refusalWindowSeconds: 3600 } });
    url = await h.server.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => h.close());

  it("are logged and counted, not appended: one aggregate record per window, chained like any record", async () => {
    const before = await auditCount(h);
    const bad = { authorization: "Bearer not.a.jwt" };
    for (let i = 0; i < 30; i++) expect((await send(url, { path: "/reservations", headers: bad })).status).toBe(401);
    const webhook = JSON.stringify({ id: "evt_1", type: "payment_intent.succeeded" });
    for (let i = 0; i < 10; i++)
      expect((await send(url, { path: "/webhooks/payments", headers: { "fascia-signature": "t=1,v1=00" }, body: webhook })).status).toBe(
        401,
      );
    for (let i = 0; i < 5; i++)
      expect((await send(url, { path: "/reservations", body: JSON.stringify({ notes: "x".repeat(4096) }) })).status).toBe(413);
    expect(await auditCount(h)).toBe(before);
    // Each one has its log line, saying where its audit is.
    const logged = log.lines.filter((l) => l.audit === "aggregate");
    expect(logged).toHaveLength(45);
    expect(logged[0]).toMatchObject({ tool: "createReservation", status: 401, code: "UNAUTHENTICATED", invocationId: expect.any(String) });

    // After the caller is known, a refusal is audited on its own, as before.
    const customer = await h.token(await h.seedCustomer(), ["customer"]);
    const room = JSON.stringify({ number: "101", capacity: 2, nightlyRate: "99.00" });
    const forbidden = await send(url, { path: "/rooms", headers: { authorization: `Bearer ${customer}` }, body: room });
    expect(forbidden.status).toBe(403);
    expect((await h.audit()).at(-1)).toMatchObject({ invocationId: forbidden.headers["x-fascia-invocation-id"], outcome: { status: 403 } });

    await h.server.executor.refusalTally.flush();
    const added = (await h.audit()).slice(before);
    expect(added).toHaveLength(2);
    const aggregate = added[1]!;
    expect(aggregate).toMatchObject({
      tool: REFUSALS_TOOL,
      trigger: "aggregate",
      callerId: null,
      outcome: { status: 0 },
      refusals: {
        counts: [
          { tool: "createReservation", status: 401, code: "UNAUTHENTICATED", count: 30 },
          { tool: "createReservation", status: 413, code: "PAYLOAD_TOO_LARGE", count: 5 },
          { tool: "paymentWebhook", status: 401, code: "UNAUTHENTICATED", count: 10 },
        ],
      },
    });
    const { windowStart, windowEnd } = aggregate.refusals!;
    expect(Date.parse(windowStart)).toBeLessThanOrEqual(Date.parse(windowEnd));
    expect(aggregate.at).toBe(windowStart);
    const columns = await h.test.db.query<{ tool: string; status: number }>(
      `SELECT "tool", "status" FROM "fascia_audit" ORDER BY "seq" DESC LIMIT 1`,
    );
    expect(columns.rows[0]).toEqual({ tool: REFUSALS_TOOL, status: 0 });
    expect((await verifyAuditLog(h.test.db)).broken).toBeUndefined();

    // A window without refusals writes nothing.
    await h.server.executor.refusalTally.flush();
    expect(await auditCount(h)).toBe(before + 2);
  });

  it("the last window is appended when the server closes", async () => {
    const before = await auditCount(h);
    for (let i = 0; i < 3; i++) await send(url, { path: "/reservations", headers: { authorization: "Bearer nope" } });
    await h.server.close();
    const added = (await h.audit()).slice(before);
    expect(added).toMatchObject([{ tool: REFUSALS_TOOL, refusals: { counts: [{ tool: "createReservation", status: 401, count: 3 }] } }]);
  });
});

describe("the refusal tally's windows", () => {
  const waitFor = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it("flushes by itself at the end of each window that had refusals", async () => {
    const appended: AuditBody[] = [];
    const tally = createRefusalTally({
      windowMs: 50,
      append: async (b) => void appended.push(b),
      onError: (e) => {
        throw e;
      },
      newId: () => "id",
    });
    tally.count("createReservation", 401, "UNAUTHENTICATED");
    await waitFor(() => appended.length > 0);
    await new Promise((r) => setTimeout(r, 120));
    await tally.close();
    expect(appended).toHaveLength(1);
    expect(appended[0]!.refusals!.counts).toEqual([{ tool: "createReservation", status: 401, code: "UNAUTHENTICATED", count: 1 }]);
  });

  it("keeps the counts of a window whose append failed for the next, from the same start", async () => {
    const appended: AuditBody[] = [];
    const errors: number[] = [];
    let fails = 1;
    let clock = Date.UTC(2026, 0, 1);
    const tally = createRefusalTally({
      windowMs: 3_600_000,
      append: async (b) => {
        if (fails-- > 0) throw new Error("no connection");
        appended.push(b);
      },
      onError: (_e, refusals) => errors.push(refusals),
      newId: () => `id-${appended.length}`,
      now: () => new Date((clock += 1000)),
    });
    tally.count("a", 401, "UNAUTHENTICATED");
    tally.count("a", 401, "UNAUTHENTICATED");
    await tally.flush();
    expect({ appended: appended.length, errors }).toEqual({ appended: 0, errors: [2] });
    tally.count("a", 401, "UNAUTHENTICATED");
    tally.count("b", 429, "RATE_LIMITED");
    await tally.close();
    expect(appended).toHaveLength(1);
    expect(appended[0]!.refusals).toEqual({
      windowStart: new Date(Date.UTC(2026, 0, 1) + 1000).toISOString(),
      windowEnd: new Date(Date.UTC(2026, 0, 1) + 3000).toISOString(),
      counts: [
        { tool: "a", status: 401, code: "UNAUTHENTICATED", count: 3 },
        { tool: "b", status: 429, code: "RATE_LIMITED", count: 1 },
      ],
    });
  });
});

describe("unknown callers limited by address", () => {
  let h: Harness;
  let url: string;
  let verified = 0;
  const bearer = async (authorization: string | undefined) => {
    verified++;
    if (authorization !== "Bearer good") throw unauthenticated("the token does not verify");
    return { id: "c-1", roles: ["customer"], claims: {} };
  };

  beforeAll(async () => {
    h = await startHarness("pglite", {
      server: { auth: { authenticate: bearer }, unauthenticatedRateLimit: { perSecond: 0.5, burst: 5 }, refusalWindowSeconds: 3600 },
    });
    url = await h.server.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => h.close());

  it("an address out of tokens gets 429 with Retry-After before any token is verified; other addresses and good tokens are untouched", async () => {
    const audited = await auditCount(h);
    const list = (from: string, authorization: string) =>
      send(url, { method: "GET", path: "/reservations", from, headers: { authorization } });
    // Authenticated requests cost their address nothing.
    for (let i = 0; i < 20; i++) expect((await list("127.0.0.2", "Bearer good")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await list("127.0.0.2", "Bearer bad")).status).toBe(401);
    const verifiedBefore = verified;
    const limited = await list("127.0.0.2", "Bearer bad");
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: "RATE_LIMITED", message: expect.stringContaining("failed authentication") });
    expect(limited.headers["retry-after"]).toMatch(/^[1-9][0-9]*$/);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(2);
    // Refused at once: even a good token is not looked at from that address now.
    expect((await list("127.0.0.2", "Bearer good")).status).toBe(429);
    const webhook = await send(url, { path: "/webhooks/payments", from: "127.0.0.2", headers: { "fascia-signature": "t=1,v1=00" } });
    expect(webhook.status).toBe(429);
    expect(verified).toBe(verifiedBefore);
    // Another address is another bucket.
    expect((await list("127.0.0.3", "Bearer bad")).status).toBe(401);
    expect((await list("127.0.0.3", "Bearer good")).status).toBe(200);
    // None of it cost an audit append: the 20 + 1 successes only.
    expect(await auditCount(h)).toBe(audited + 21);
    await h.server.executor.refusalTally.flush();
    expect((await h.audit()).at(-1)!.refusals!.counts).toEqual([
      { tool: "listReservations", status: 401, code: "UNAUTHENTICATED", count: 6 },
      { tool: "listReservations", status: 429, code: "RATE_LIMITED", count: 2 },
      { tool: "paymentWebhook", status: 429, code: "RATE_LIMITED", count: 1 },
    ]);
  });

  it("ignores X-Forwarded-For unless FASCIA_TRUST_PROXY says how many hops to believe", async () => {
    // Without trusted hops, the header changes nothing: 127.0.0.2 is still out of tokens.
    const spoofed = await send(url, {
      method: "GET",
      path: "/reservations",
      from: "127.0.0.2",
      headers: { "x-forwarded-for": "198.51.100.1" },
    });
    expect(spoofed.status).toBe(429);

    const proxied = await startHarness("pglite", {
      server: { auth: { authenticate: bearer }, unauthenticatedRateLimit: { perSecond: 0.5, burst: 2 }, trustProxyHops: 1 },
    });
    try {
      const at = await proxied.server.listen({ port: 0, host: "127.0.0.1" });
      const via = (forwardedFor: string) =>
        send(at, { method: "GET", path: "/reservations", headers: { authorization: "Bearer bad", "x-forwarded-for": forwardedFor } });
      expect((await via("203.0.113.7")).status).toBe(401);
      expect((await via("203.0.113.7")).status).toBe(401);
      expect((await via("203.0.113.7")).status).toBe(429);
      // The proxy appends the address it saw: what a client writes before it is not believed.
      expect((await via("203.0.113.8, 203.0.113.7")).status).toBe(429);
      expect((await via("203.0.113.7, 203.0.113.8")).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it("reads its settings from the environment", () => {
    const env = { FASCIA_DB_URL: "postgres://x/y" };
    expect(loadExecutorConfig(env)).toMatchObject({
      unauthenticatedRateLimit: { perSecond: 10, burst: 50 },
      trustProxyHops: 0,
      refusalWindowSeconds: 60,
    });
    expect(
      loadExecutorConfig({
        ...env,
        FASCIA_RATE_LIMIT_UNAUTHENTICATED_PER_SECOND: "2",
        FASCIA_RATE_LIMIT_UNAUTHENTICATED_BURST: "8",
        FASCIA_TRUST_PROXY: "1",
        FASCIA_AUDIT_REFUSAL_WINDOW_SECONDS: "10",
      }),
    ).toMatchObject({ unauthenticatedRateLimit: { perSecond: 2, burst: 8 }, trustProxyHops: 1, refusalWindowSeconds: 10 });
    expect(loadExecutorConfig({ ...env, FASCIA_RATE_LIMIT_UNAUTHENTICATED_PER_SECOND: "0" }).unauthenticatedRateLimit).toBe(false);
    expect(() => loadExecutorConfig({ ...env, FASCIA_AUDIT_REFUSAL_WINDOW_SECONDS: "0" })).toThrow(/FASCIA_AUDIT_REFUSAL_WINDOW_SECONDS/);
  });
});
