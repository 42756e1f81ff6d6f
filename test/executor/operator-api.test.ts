/**
 * The operator API (issue 16), on PostgreSQL and PGlite, through the executor's server. Its door:
 * no token is 401, a token without the operator role 403, with it 200, on every route; the role is
 * configurable; operators from an issuer of their own are verified by it alone; refusals charge
 * the address limit. Its reads: the invocation list's keyset pages stay stable while records are
 * appended, its filters, one invocation with its trace, chain verification (intact, a tampered
 * row, a range), per-tool metrics checked against values computed here from the rows, the
 * deployment state and settings, and every bad query parameter refused by name. One harness per
 * driver for all of it: starting one is most of this file's time.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { compileApp } from "../../build/compile-app";
import type { AuditBody } from "../../executor/audit/audit-chain";
import { appendAuditAlone } from "../../executor/store/audit-store";
import {
  DEFAULT_OPERATOR_ROLE,
  invocationPath,
  OPERATOR_PATHS,
  type ChainVerification,
  type DeploymentSettings,
  type DeploymentState,
  type InvocationDetail,
  type InvocationPage,
  type InvocationSummary,
  type ToolMetricsReport,
} from "../../contracts/operator-api";
import { manifestPlanHash, writeManifest } from "../../executor/app/manifest";
import type { ExecutorServer } from "../../executor/server/build-server";
import { ConfigError, loadExecutorConfig } from "../../executor/server/config";
import { startExecutor } from "../../executor/server/start";
import { describeEachDriver } from "../support/databases";
import { serveJwks } from "../support/jwks-server";
import { startHarness, type Harness } from "./support/harness";

/**
 * The metrics' clock: records are appended at known offsets before it. Years from the real clock,
 * so a record anything stamps with the real time (an aggregate of the refusals the door's tests
 * cause) never falls into a window under test, whatever day the suite runs.
 */
const NOW = new Date(Date.UTC(2020, 5, 1, 12, 0, 0));
const minutesAgo = (m: number, s = 0) => new Date(NOW.getTime() - m * 60_000 - s * 1000).toISOString();

let serial = 0;
/** A record appended as an invocation of `tool` would leave it (the list and metrics read only these members). */
function record(tool: string, at: string, status: number, durationMs: number, over: Partial<AuditBody> = {}): AuditBody {
  serial++;
  return {
    invocationId: `op-${serial}-${Math.random().toString(36).slice(2, 8)}`,
    at,
    tool,
    trigger: "http",
    callerId: serial % 3 === 0 ? "carol" : "dave",
    callerRoles: ["customer"],
    input: { n: serial },
    inputDigest: createHash("sha256").update(String(serial)).digest("hex"),
    rowsChanged: [],
    effects: [],
    compensations: [],
    outcome: status >= 400 ? { status, code: status === 404 ? "NOT_FOUND" : "CONFLICT" } : { status },
    durationMs,
    ...over,
  };
}

/** percentile_cont: linear interpolation between the two closest ranks. */
function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

const ROUTES = [
  OPERATOR_PATHS.invocations,
  invocationPath("any"),
  OPERATOR_PATHS.auditVerify,
  OPERATOR_PATHS.metrics,
  OPERATOR_PATHS.deployment,
  OPERATOR_PATHS.settings,
];

const OPS_ISSUER = "https://ops-idp.test";
const OPS_AUDIENCE = "https://console.test";

/** A token of the operators' own identity provider (OPS_ISSUER). */
function operatorsToken(key: CryptoKey, roles: string[], kid?: string): Promise<string> {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: "ES256", ...(kid ? { kid } : {}) })
    .setSubject("sre-1")
    .setIssuer(OPS_ISSUER)
    .setAudience(OPS_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key);
}

describeEachDriver("the operator API", (driver) => {
  let h: Harness;
  let operator: string;
  const appended: AuditBody[] = [];
  const others: ExecutorServer[] = [];
  beforeAll(async () => {
    h = await startHarness(driver, { server: { now: () => NOW } });
    operator = await h.token("ops-1", ["operator"]);
    // Three tools, statuses and durations spread over the last ten minutes, and one aggregate record.
    for (let i = 0; i < 30; i++) {
      const tool = ["createReservation", "confirmReservation", "listReservations"][i % 3]!;
      const status = i % 7 === 0 ? 409 : i % 11 === 0 ? 404 : 200;
      appended.push(record(tool, minutesAgo(9 - (i % 10), i), status, 5 + ((i * 37) % 90)));
    }
    appended.push(
      record("(refusals)", minutesAgo(1), 401, 0, {
        trigger: "aggregate",
        callerId: null,
        refusals: { windowStart: minutesAgo(2), windowEnd: minutesAgo(1), counts: [] },
      }),
    );
    for (const body of appended) await h.test.db.session((conn) => appendAuditAlone(conn, body));
  }, 60_000);
  afterAll(async () => {
    for (const other of others) await other.close();
    await h?.close();
  });

  const another = async (more: Parameters<Harness["anotherInstance"]>[0]) => {
    const server = await h.anotherInstance(more);
    others.push(server);
    return server;
  };
  const get = (server: ExecutorServer, url: string, token?: string) =>
    server.inject({ method: "GET", url, headers: token ? { authorization: `Bearer ${token}` } : {} });
  /** Each route's status and error code (none on a 200 or a 404 of the unknown invocation). */
  const answers = async (server: ExecutorServer, token?: string) =>
    Promise.all(
      ROUTES.map(async (url) => {
        const response = await get(server, url, token);
        return [url, response.statusCode, response.statusCode >= 400 ? response.json<{ error: { code: string } }>().error.code : "-"];
      }),
    );
  const everyRoute = (status: number, code: string) =>
    ROUTES.map((url) => [
      url,
      url === invocationPath("any") && status === 200 ? 404 : status,
      status === 200 ? (url === invocationPath("any") ? "NOT_FOUND" : "-") : code,
    ]);

  it("401 without a token or with a bad one, 403 without the role, 200 with it", async () => {
    expect(await answers(h.server)).toEqual(everyRoute(401, "UNAUTHENTICATED"));
    expect(await answers(h.server, "not-a-jwt")).toEqual(everyRoute(401, "UNAUTHENTICATED"));
    expect(await answers(h.server, await h.token("desk-1", ["staff"]))).toEqual(everyRoute(403, "FORBIDDEN"));
    expect(await answers(h.server, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).toEqual(everyRoute(200, "-"));
    // The refusal is the executor's structured body, with the invocation id header its other errors carry.
    const refused = await get(h.server, OPERATOR_PATHS.invocations, await h.token("desk-1", ["staff"]));
    expect(refused.json()).toEqual({
      error: {
        code: "FORBIDDEN",
        message: 'the operator API needs the role "operator"',
        details: [{ path: "header.authorization", message: 'the token\'s roles do not include "operator"' }],
      },
    });
    expect(refused.headers["x-fascia-invocation-id"]).toEqual(expect.any(String));
  });

  it("needs the configured role instead when one is named", async () => {
    const server = await another({ operators: { role: "auditor" } });
    expect(await answers(server, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).toEqual(everyRoute(403, "FORBIDDEN"));
    expect(await answers(server, await h.token("audit-1", ["auditor"]))).toEqual(everyRoute(200, "-"));
  });

  it("verifies operators from their own issuer, and refuses the app's tokens there", async () => {
    const keys = await generateKeyPair("ES256");
    const server = await another({
      operators: { auth: { issuer: OPS_ISSUER, audience: OPS_AUDIENCE, keys: { publicKey: keys.publicKey } } },
    });
    const opsToken = await operatorsToken(keys.privateKey, [DEFAULT_OPERATOR_ROLE]);
    expect(await answers(server, opsToken)).toEqual(everyRoute(200, "-"));
    expect(await answers(server, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).toEqual(everyRoute(401, "UNAUTHENTICATED"));
    // …while the app's tools still take the app's tokens, not the operators'.
    const tool = await h.server.inject({ method: "GET", url: "/reservations", headers: { authorization: `Bearer ${opsToken}` } });
    expect(tool.statusCode).toBe(401);
  });

  it("charges the address limit for every refusal, as a failed tool authentication does", async () => {
    const server = await another({ unauthenticatedRateLimit: { perSecond: 0.001, burst: 3 } });
    const staff = await h.token("desk-1", ["staff"]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(server, OPERATOR_PATHS.deployment, i % 2 ? staff : undefined)).statusCode);
    expect(statuses).toEqual([401, 403, 401, 429]);
    // An operator from that address is refused too until the bucket refills: no token is verified meanwhile.
    expect((await get(server, OPERATOR_PATHS.deployment, await h.token("ops-1", [DEFAULT_OPERATOR_ROLE]))).statusCode).toBe(429);
  });

  const read = async <T>(url: string) => {
    const response = await h.server.inject({ method: "GET", url, headers: { authorization: `Bearer ${operator}` } });
    return { status: response.statusCode, body: response.json<T>() };
  };
  const ok = async <T>(url: string) => {
    const { status, body } = await read<T>(url);
    expect({ url, status, body: status === 200 ? "…" : body }).toEqual({ url, status: 200, body: "…" });
    return body;
  };
  /** Every page from the first, following `next`. */
  const allPages = async (query: string) => {
    const items: InvocationSummary[] = [];
    let page = await ok<InvocationPage>(`${OPERATOR_PATHS.invocations}?${query}`);
    items.push(...page.items);
    while (page.next) {
      page = await ok<InvocationPage>(`${OPERATOR_PATHS.invocations}?${query}&cursor=${page.next}`);
      items.push(...page.items);
    }
    return items;
  };

  it("lists newest first with its kinds; pages stay stable while records are appended", async () => {
    const first = await ok<InvocationPage>(`${OPERATOR_PATHS.invocations}?limit=7`);
    expect(first.items.map((i) => i.invocationId)).toEqual(
      appended
        .slice(-7)
        .reverse()
        .map((b) => b.invocationId),
    );
    expect(first.head).toBe(appended.length);
    expect(first.items[0]).toMatchObject({ kind: "aggregate", tool: "(refusals)", callerId: null, status: 401, seq: appended.length });
    expect(first.items[1]).toMatchObject({ kind: "invocation", trigger: "http", durationMs: appended.at(-2)!.durationMs });
    // Records appended after the first page was read: following its cursor neither repeats nor skips one.
    const later = [record("createReservation", minutesAgo(0, 5), 200, 1), record("createReservation", minutesAgo(0, 4), 200, 1)];
    for (const body of later) await h.test.db.session((conn) => appendAuditAlone(conn, body));
    appended.push(...later);
    const rest: InvocationSummary[] = [];
    let page = first;
    while (page.next) {
      page = await ok<InvocationPage>(`${OPERATOR_PATHS.invocations}?limit=7&cursor=${page.next}`);
      rest.push(...page.items);
    }
    const seqs = [...first.items, ...rest].map((i) => i.seq);
    expect(seqs).toEqual(Array.from({ length: appended.length - 2 }, (_, i) => appended.length - 2 - i));
    // A live list asks for what is newer than the head it saw: exactly the two appended.
    const fresh = await ok<InvocationPage>(`${OPERATOR_PATHS.invocations}?limit=500`);
    expect(fresh.items.filter((i) => i.seq > first.head).map((i) => i.invocationId)).toEqual(later.reverse().map((b) => b.invocationId));
  });

  it("filters by tool, outcome, caller and time, across pages", async () => {
    const expectFiltered = async (query: string, keep: (b: AuditBody) => boolean) =>
      expect((await allPages(`limit=4&${query}`)).map((i) => i.invocationId)).toEqual(
        appended
          .filter(keep)
          .reverse()
          .map((b) => b.invocationId),
      );
    await expectFiltered("tool=confirmReservation", (b) => b.tool === "confirmReservation");
    await expectFiltered("outcome=error", (b) => b.outcome.status >= 400);
    await expectFiltered("outcome=ok", (b) => b.outcome.status < 400);
    await expectFiltered("outcome=409", (b) => b.outcome.status === 409);
    await expectFiltered("caller=carol", (b) => b.callerId === "carol");
    const from = minutesAgo(6);
    const to = minutesAgo(3);
    await expectFiltered(`from=${from}&to=${to}`, (b) => b.at >= from && b.at < to);
    await expectFiltered(
      `tool=createReservation&outcome=ok&caller=dave`,
      (b) => b.tool === "createReservation" && b.outcome.status < 400 && b.callerId === "dave",
    );
  });

  it("refuses bad parameters with 400 INVALID_INPUT naming each", async () => {
    const refused = async (url: string, paths: string[]) => {
      const { status, body } = await read<{ error: { code: string; details: { path: string }[] } }>(url);
      expect({ url, status, code: body.error.code, paths: body.error.details.map((d) => d.path) }).toEqual({
        url,
        status: 400,
        code: "INVALID_INPUT",
        paths,
      });
    };
    await refused(`${OPERATOR_PATHS.invocations}?limit=0`, ["query.limit"]);
    await refused(`${OPERATOR_PATHS.invocations}?limit=501&outcome=maybe`, ["query.outcome", "query.limit"]);
    await refused(`${OPERATOR_PATHS.invocations}?cursor=nonsense`, ["query.cursor"]);
    await refused(`${OPERATOR_PATHS.invocations}?from=yesterday&to=2026-12-03`, ["query.from", "query.to"]);
    await refused(`${OPERATOR_PATHS.invocations}?tool=a&tool=b`, ["query.tool"]);
    await refused(`${OPERATOR_PATHS.invocations}?sort=asc`, ["query.sort"]);
    await refused(`${OPERATOR_PATHS.auditVerify}?from=5&to=2`, ["query.to"]);
    await refused(`${OPERATOR_PATHS.auditVerify}?from=-1`, ["query.from"]);
    await refused(`${OPERATOR_PATHS.metrics}?since=${minutesAgo(60 * 24 * 8)}`, ["query.since"]);
    await refused(`${OPERATOR_PATHS.metrics}?since=${minutesAgo(60 * 24)}&step=1`, ["query.step"]);
    await refused(`${OPERATOR_PATHS.metrics}?step=0`, ["query.step"]);
    await refused(`${OPERATOR_PATHS.deployment}?x=1`, ["query.x"]);
  });

  it("shows one invocation with its trace and hashes; an unknown one is 404", async () => {
    const customer = await h.seedCustomer("Ada");
    const room = await h.seedRoom("301");
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { authorization: `Bearer ${await h.token(customer, ["customer"])}`, "idempotency-key": `op-${driver}` },
      payload: { roomId: room, startDate: "2037-03-01", endDate: "2037-03-03", guests: 1 },
    });
    expect(created.statusCode).toBe(200);
    const id = String(created.headers["x-fascia-invocation-id"]);
    const detail = await ok<InvocationDetail>(invocationPath(id));
    const stored = (await h.audit()).find((r) => r.invocationId === id)!;
    const { rows } = await h.test.db.query<{ pos: string; chain: number; seq: string; hash: string; prev_hash: string }>(
      `SELECT "pos", "chain", "seq", "hash", "prev_hash" FROM "fascia_audit" WHERE "invocation_id" = $1`,
      [id],
    );
    expect(detail).toEqual({
      seq: Number(rows[0]!.pos),
      chain: rows[0]!.chain,
      chainSeq: Number(rows[0]!.seq),
      invocationId: id,
      at: stored.at,
      tool: "createReservation",
      kind: "invocation",
      trigger: "http",
      callerId: customer,
      status: 200,
      durationMs: stored.durationMs,
      callerRoles: ["customer"],
      input: stored.input,
      inputDigest: stored.inputDigest,
      rowsChanged: stored.rowsChanged,
      effects: stored.effects,
      compensations: stored.compensations,
      queued: stored.queued,
      trace: stored.trace,
      hash: rows[0]!.hash,
      prevHash: rows[0]!.prev_hash,
      planHash: manifestPlanHash(h.server.executor.app.manifest),
    });
    expect(detail.trace!.n.map((n) => n.s)).toContain("ran");
    const unknown = await read<{ error: { code: string } }>(invocationPath("no-such-invocation"));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("computes per-tool buckets and percentiles as the rows say, aggregates counted without a latency", async () => {
    const since = minutesAgo(10);
    const report = await ok<ToolMetricsReport>(`${OPERATOR_PATHS.metrics}?since=${since}&step=120`);
    expect(report).toMatchObject({ since, until: NOW.toISOString(), stepSeconds: 120 });
    const inWindow = appended.filter((b) => b.at >= since && b.at < NOW.toISOString());
    const tools = [...new Set([...h.server.executor.app.tools.keys(), "(refusals)"])].sort();
    expect(report.tools.map((t) => t.tool)).toEqual(tools);
    for (const series of report.tools) {
      expect(series.buckets.map((b) => b.at)).toEqual([0, 1, 2, 3, 4].map((i) => minutesAgo(10 - 2 * i)));
      const own = inWindow.filter((b) => b.tool === series.tool);
      const expectCounts = (got: object, rows: AuditBody[]) => {
        const latencies = rows.filter((b) => !b.refusals).map((b) => b.durationMs);
        const expected: Record<string, number> = { count: rows.length, errors: rows.filter((b) => b.outcome.status >= 400).length };
        for (const [name, p] of [
          ["p50", 0.5],
          ["p95", 0.95],
          ["p99", 0.99],
        ] as const) {
          const value = percentile(latencies, p);
          if (value !== undefined) expected[name] = expect.closeTo(value, 6) as unknown as number;
        }
        expect(got).toEqual(expected);
      };
      const { at: _at, ...total } = { at: "", ...series.total };
      expectCounts(total, own);
      series.buckets.forEach((bucket, i) => {
        const start = minutesAgo(10 - 2 * i);
        const end = minutesAgo(10 - 2 * (i + 1));
        const { at: _bucketAt, ...counts } = bucket;
        expectCounts(
          counts,
          own.filter((b) => b.at >= start && b.at < end),
        );
      });
    }
    const one = await ok<ToolMetricsReport>(`${OPERATOR_PATHS.metrics}?since=${since}&step=600&tool=listReservations`);
    expect(one.tools.map((t) => [t.tool, t.buckets.length, t.total.count])).toEqual([
      ["listReservations", 1, inWindow.filter((b) => b.tool === "listReservations").length],
    ]);
  });

  it("describes the deployment and its settings", async () => {
    const state = await ok<DeploymentState>(OPERATOR_PATHS.deployment);
    const manifest = h.server.executor.app.manifest;
    expect(state).toMatchObject({
      planHash: manifestPlanHash(manifest),
      app: "reservations",
      entities: manifest.specs.entities.map((e) => e.name),
      commands: { preview: "pulumi preview --diff", up: "pulumi up" },
    });
    expect(state.tools).toContainEqual({
      name: "createReservation",
      trigger: "http",
      method: "POST",
      path: "/reservations",
      risk: manifest.risk.createReservation!.level,
      deployable: manifest.risk.createReservation!.deployable,
    });
    expect(state.migrations).toEqual([
      expect.objectContaining({ seq: 1, state: "applied", entities: expect.arrayContaining(["Customer"]) }),
    ]);
    expect(state.executorMigrations.map((m) => m.id)).toEqual([
      "0001_idempotency_and_audit",
      "0002_outbox",
      "0003_audit_whole_record",
      "0004_audit_at_index",
      "0005_audit_chains",
      "0006_expect",
    ]);
    const { settings } = await ok<DeploymentSettings>(OPERATOR_PATHS.settings);
    const byName = (group: string, name: string) => settings.find((s) => s.group === group && s.name === name);
    expect(byName("auth", "issuer")).toEqual({
      group: "auth",
      name: "issuer",
      value: "https://issuer.test",
      env: "FASCIA_AUTH_ISSUER",
      argument: "auth.issuer",
      configSet: "pulumi config set authIssuer <issuer>",
    });
    expect(byName("operators", "role")).toMatchObject({ value: "operator", env: "FASCIA_OPERATOR_ROLE", argument: "operators.role" });
    expect(byName("secrets", "PAYMENTS_API_KEY")).toMatchObject({
      value: "set",
      configSet: "pulumi config set --secret PAYMENTS_API_KEY <value>",
    });
    expect(byName("limits", "ratePerSecond")).toMatchObject({ value: 0, env: "FASCIA_RATE_LIMIT_PER_SECOND" });
    expect(JSON.stringify(settings)).not.toContain(h.payments.apiKey);
  });

  it("verifies the chains, over a range too, and finds a tampered record by its chain and seq", async () => {
    // One invocation at a time: every record went to the first free chain, chain 1.
    const whole = await ok<ChainVerification>(OPERATOR_PATHS.auditVerify);
    expect(whole).toMatchObject({ verified: true });
    const first = whole.chains[0]!;
    expect(first).toMatchObject({ chain: 1, from: 1 });
    expect(first.to).toBe(first.head.seq);
    expect(whole.checked).toBe(first.head.seq);
    expect(first.head.seq).toBeGreaterThan(appended.length);
    expect(whole.chains.slice(1).every((c) => c.checked === 0 && c.head.seq === 0)).toBe(true);
    expect(await ok<ChainVerification>(`${OPERATOR_PATHS.auditVerify}?chain=1&from=5&to=12`)).toMatchObject({
      chains: [{ chain: 1, from: 5, to: 12, checked: 8 }],
      checked: 8,
      verified: true,
    });
    // As a superuser may: the append-only trigger off, one body changed, the trigger on again.
    await h.test.db.exec(
      `ALTER TABLE "fascia_audit" DISABLE TRIGGER USER; UPDATE "fascia_audit" SET "body" = '{"tampered":true}' WHERE "chain" = 1 AND "seq" = 9; ALTER TABLE "fascia_audit" ENABLE TRIGGER USER;`,
    );
    expect(await ok<ChainVerification>(OPERATOR_PATHS.auditVerify)).toMatchObject({
      verified: false,
      checked: 8,
      broken: { chain: 1, seq: 9, invocationId: appended[8]!.invocationId },
    });
    // A range before it still holds; one from after it anchors on the stored hash of the record before its start.
    expect(await ok<ChainVerification>(`${OPERATOR_PATHS.auditVerify}?to=8`)).toMatchObject({ checked: 8, verified: true });
    expect(await ok<ChainVerification>(`${OPERATOR_PATHS.auditVerify}?chain=1&from=10`)).toMatchObject({
      chains: [{ from: 10 }],
      verified: true,
    });
    expect(await ok<ChainVerification>(`${OPERATOR_PATHS.auditVerify}?from=9&to=9`)).toMatchObject({
      verified: false,
      broken: { chain: 1, seq: 9 },
    });
  });
});

describe("the operator API's configuration", () => {
  /** An issuer's three variables under `prefix` (FASCIA_AUTH_ or FASCIA_OPERATOR_AUTH_). */
  const issuerEnv = (prefix: string, issuer: string, audience: string) => ({
    [`${prefix}ISSUER`]: issuer,
    [`${prefix}AUDIENCE`]: audience,
    [`${prefix}JWKS_URL`]: `${issuer}/jwks`,
  });
  const base = { FASCIA_DB_URL: "pglite:memory", ...issuerEnv("FASCIA_AUTH_", "https://issuer.test", "https://app.test") };
  it("defaults to the operator role and the app's issuer", () => {
    expect(loadExecutorConfig(base).operators).toEqual({ role: DEFAULT_OPERATOR_ROLE });
  });
  it("reads the role and an operators' issuer, all of its three or none", () => {
    const own = { FASCIA_OPERATOR_ROLE: "sre", ...issuerEnv("FASCIA_OPERATOR_AUTH_", "https://ops.test", "https://console.test") };
    expect(loadExecutorConfig({ ...base, ...own }).operators).toEqual({
      role: "sre",
      auth: { issuer: "https://ops.test", audience: "https://console.test", jwksUrl: "https://ops.test/jwks" },
    });
    expect(() => loadExecutorConfig({ ...base, FASCIA_OPERATOR_AUTH_ISSUER: "https://ops.test" })).toThrow(ConfigError);
    expect(() => loadExecutorConfig({ ...base, FASCIA_OPERATOR_AUTH_ISSUER: "https://ops.test" })).toThrow(
      /FASCIA_OPERATOR_AUTH_AUDIENCE is not set[\s\S]*FASCIA_OPERATOR_AUTH_JWKS_URL is not set/,
    );
  });
});

describe("the operator API of an executor started from the environment", () => {
  it("takes its role, its operators' issuer and the pool size from the environment, and describes them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fascia-operator-start-"));
    const manifestPath = join(dir, "manifest.json");
    writeManifest(manifestPath, compileApp("examples/reservations"));
    const keys = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: "o1", alg: "ES256", use: "sig" };
    const jwks = await serveJwks([jwk]);
    const jwksUrl = jwks.url;
    const running = await startExecutor(
      {
        FASCIA_APP_MANIFEST: manifestPath,
        FASCIA_DB_URL: `pglite:${join(dir, "db")}`,
        FASCIA_DB_POOL_MAX: "7",
        FASCIA_AUTH_ISSUER: "https://issuer.test",
        FASCIA_AUTH_AUDIENCE: "https://app.test",
        FASCIA_AUTH_JWKS_URL: "http://127.0.0.1:9/jwks",
        FASCIA_OPERATOR_ROLE: "sre",
        FASCIA_OPERATOR_AUTH_ISSUER: OPS_ISSUER,
        FASCIA_OPERATOR_AUTH_AUDIENCE: OPS_AUDIENCE,
        FASCIA_OPERATOR_AUTH_JWKS_URL: jwksUrl,
        FASCIA_SMTP_URL: "smtp://user:hunter2@127.0.0.1:9",
        FASCIA_SECRET_PAYMENTS_API_KEY: "sk_never_shown",
        FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "t_never_shown",
        FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "w_never_shown",
        PORT: "0",
      },
      "127.0.0.1",
    );
    try {
      const token = await operatorsToken(keys.privateKey, ["sre"], "o1");
      const response = await fetch(`${running.address}${OPERATOR_PATHS.settings}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await response.text();
      expect(response.status).toBe(200);
      const { settings } = JSON.parse(text) as DeploymentSettings;
      const value = (group: string, name: string) => settings.find((s) => s.group === group && s.name === name)?.value;
      expect([value("operators", "role"), value("operators", "issuer"), value("operators", "jwksUrl")]).toEqual([
        "sre",
        OPS_ISSUER,
        jwksUrl,
      ]);
      expect([
        value("auth", "issuer"),
        value("database", "poolMax"),
        value("secrets", "smtpUrl"),
        value("secrets", "OPS_WEBHOOK_TOKEN"),
      ]).toEqual(["https://issuer.test", 7, "set", "set"]);
      for (const secret of ["hunter2", "sk_never_shown", "t_never_shown", "w_never_shown"]) expect(text).not.toContain(secret);
    } finally {
      await running.close();
      await jwks.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
