/**
 * The executor at scale, with PostgreSQL a network hop away: every server reaches its database
 * through bench/executor/latency-proxy.ts (a loopback proxy, in a process of its own, holding each
 * chunk a one-way delay: 0.5 and 1 ms, about what Cloud Run → Cloud SQL adds), so a booking's
 * round trips cost what they cost in a deployment and not loopback's ~50 µs. The proxy's real
 * added round trip (SELECT 1 through it against SELECT 1 direct, on the server's `postgres`
 * database) is measured idle and during every measured phase, and printed: the proxy is a process
 * that needs the CPU to forward, so on a saturated machine it adds more than the configured delay
 * (a network would not), and the rows say by how much.
 *
 * Contenders, bookings (POST /reservations, createReservation without its email) only:
 *   executor  the executor bundle, governed, as bench/executor.bench.ts starts it;
 *   same      the hand-written fastify + pg endpoint sending the executor's statements (the same
 *             idempotency and audit rows: bench/executor/hand-written.ts);
 *   bare      the hand-written endpoint without idempotency and audit.
 * For each delay, each count of server processes (N processes of one contender, each with its own
 * pool; autocannon runs one instance per process with connections / N each, summed: the simplest
 * honest spread, no balancer in between) and each count of connections: bookings per second of
 * each contender, executor / bare and executor / same (measured in the same run, seconds apart,
 * the order of the contenders reversed every other process count), the mean latency, how busy the
 * machine's CPU was (all cores, /proc/stat: the other processes on the machine count too), and
 * the round-trip bound connections / RTT (a server that made one database round trip per booking
 * at a time could not exceed it; one with k round trips per booking reaches at most 1/k of it).
 *
 * Targets: at 1 ms and 50 connections the executor reaches ≥ 0.75× the bare endpoint (checked at
 * every process count); throughput rises from 10 to 50 connections (≥ 1.2×) unless the machine's
 * CPU was the limit (≥ 90% busy at 50 connections): a server bound by round trips would plateau
 * at a fixed number of bookings in flight instead.
 *
 * Pool size: a server limited by its pool plateaus at pool / (round trips × RTT) bookings per
 * second, which is the effect the benchmark is after, so the pool should not be the limit: each
 * process gets min(100, budget / N) connections (100: enough for 100 concurrent bookings), where
 * budget = max_connections − connections open at the start − SPARE_CONNECTIONS (the bench's own
 * checks, other sessions on the server), less the executor's side pool per process
 * (EXECUTOR_SIDE_CONNECTIONS). Only one contender's processes run at a time, so the budget is
 * theirs. With PostgreSQL's default max_connections = 100 that is ~70 for one process, so at 100
 * connections the pool, not the latency, bounds all three contenders alike (the row says when).
 * Every contender gets the same pool, so the ratios stay fair. BENCH_SCALE_POOL_MAX overrides it.
 *
 * Every answer must be a 200, and every booking answered must be in the database. Knobs:
 * BENCH_SCALE_DELAYS (ms one way, default "0.5,1"), BENCH_SCALE_CONNECTIONS ("10,50,100"),
 * BENCH_SCALE_PROCESSES ("1,2,4"), BENCH_SCALE_MEASURE_S (3). About seven minutes by default.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { exportJWK, generateKeyPair } from "jose";
import { packageRoot } from "../build/bundle-executor";
import { EXECUTOR_SIDE_CONNECTIONS } from "../contracts/environment";
import { createPgDatabase, SERVER_URL, type TestDatabase } from "../test/support/databases";
import { benchExecutorEnv, benchManifest, prepareDatabase, READER_RESERVATIONS, startJwks, type Seeded } from "./executor/bench-app";
import { benchToken, bookingRequest, bundleContenders, checkAnswers, handWrittenEnv } from "./executor/contenders";
import { measureRoundTrip, startLatencyProxy, type LatencyProxy, type RoundTrip } from "./executor/latency-proxy";
import { cpuMsOf, startServer, type ServerProcess } from "./executor/processes";
import type { BenchResult } from "./result";

export const name = "executor at scale, PostgreSQL behind a latency proxy";

const numbers = (value: string | undefined, fallback: string) =>
  (value || fallback)
    .split(",")
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isFinite(v) && v >= 0);
const DELAYS = numbers(process.env.BENCH_SCALE_DELAYS, "0.5,1");
const CONNECTIONS = numbers(process.env.BENCH_SCALE_CONNECTIONS, "10,50,100").filter((c) => c >= 1);
const PROCESSES = numbers(process.env.BENCH_SCALE_PROCESSES, "1,2,4").filter((p) => p >= 1);
const MEASURE_S = Number(process.env.BENCH_SCALE_MEASURE_S || 3);
const WARMUP_S = 1;
/** After the servers start, before their first warm-up: their code gets compiled. */
const FIRST_WARMUP_S = 2;
/** Connections left to everyone else (this bench's checks, other sessions on the server). */
const SPARE_CONNECTIONS = 20;
/** Enough for 100 bookings in flight on one process. */
const POOL_CAP = 100;
/** The executor's throughput at 1 ms and 50 connections, relative to the bare endpoint's (issue 18). */
const BARE_TARGET = 0.75;
const RISE_TARGET = 1.2;
const CPU_BOUND = 0.9;

type Contender = "executor" | "same" | "bare";
const CONTENDERS: readonly Contender[] = ["executor", "same", "bare"];

interface Target {
  contender: Contender;
  test: TestDatabase;
  seeded: Seeded;
  writerToken: string;
  next: number;
  booked: number;
  /** Bookings possibly committed without their answer counted: at most one per connection per phase. */
  uncounted: number;
}

interface Phase {
  rps: number;
  latencyMs: number;
  /** Share of all cores busy during the phase (0–1), null off Linux. */
  cpuBusy: number | null;
  /** Cores the servers used (their CPU time over the phase's), and the latency proxy; null off Linux. */
  serverCores: number | null;
  proxyCores: number | null;
  /** Cores used by the PostgreSQL backends serving the contender's database (its pools' connections). */
  databaseCores: number | null;
  /** SELECT 1 through the proxy against direct, during the phase: what the proxy added under this load. */
  underLoad: RoundTrip | null;
}

export async function run(): Promise<BenchResult[]> {
  const root = packageRoot(__dirname);
  const work = mkdtempSync(join(tmpdir(), "fascia-bench-scale-"));
  const manifest = benchManifest();
  const keys = await generateKeyPair("ES256");
  const jwks = await startJwks(keys.publicKey);
  const publicJwk = JSON.stringify(await exportJWK(keys.publicKey));
  const targets: Target[] = [];
  // Every database created, dropped at the end even when seeding fails half-way.
  const databases: TestDatabase[] = [];
  let servers: ServerProcess[] = [];
  let proxy: LatencyProxy | undefined;
  const rows: BenchResult[] = [];
  try {
    const bundles = await bundleContenders(work, root, manifest);
    for (const contender of CONTENDERS) {
      const test = await createPgDatabase();
      databases.push(test);
      const seeded = await prepareDatabase(test.db, manifest);
      targets.push({
        contender,
        test,
        seeded,
        writerToken: await benchToken(keys.privateKey, seeded.writer),
        next: 0,
        booked: 0,
        uncounted: 0,
      });
    }
    const { poolFor, note } = await poolBudget(targets[0]!.test);
    rows.push({
      name: `pool per process at ${PROCESSES.join(" / ")} processes (${note})`,
      value: poolFor(PROCESSES[0]!),
      unit: `${PROCESSES.slice(1)
        .map((n) => `/ ${poolFor(n)} `)
        .join("")}connections`,
    });
    const before = await Promise.all(targets.map(reservations));
    const server = new URL(SERVER_URL);

    for (const delayMs of DELAYS) {
      proxy = await startLatencyProxy({ target: { host: server.hostname, port: Number(server.port || 5432) }, delayMs });
      const rtt = await measureRoundTrip(targets[0]!.test.url, proxy.through(targets[0]!.test.url));
      rows.push(roundTripRow(delayMs, rtt));
      const phases = new Map<string, Phase>();
      for (const [i, processes] of PROCESSES.entries()) {
        const poolMax = poolFor(processes);
        for (const t of i % 2 === 0 ? targets : [...targets].reverse()) {
          const dbUrl = proxy.through(t.test.url);
          const env =
            t.contender === "executor"
              ? benchExecutorEnv({ manifestFile: bundles.manifestFile, manifest, dbUrl, poolMax, jwksUrl: jwks.url })
              : handWrittenEnv({ guarantees: t.contender, dbUrl, poolMax, publicJwk });
          const file = t.contender === "executor" ? bundles.executorFile : bundles.handWrittenFile;
          // Started together; those that did start are stopped (finally) even when another failed.
          const started = await Promise.allSettled(Array.from({ length: processes }, () => startServer(file, env)));
          servers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
          const failed = started.find((r) => r.status === "rejected");
          if (failed) throw failed.reason;
          await load(t, servers, proxy, CONNECTIONS[0]!, FIRST_WARMUP_S);
          for (const connections of CONNECTIONS) {
            await load(t, servers, proxy, connections, WARMUP_S);
            phases.set(key(t.contender, processes, connections), await load(t, servers, proxy, connections, MEASURE_S, true));
          }
          await Promise.all(servers.map((s) => s.stop()));
          servers = [];
        }
      }
      rows.push(...report(delayMs, rtt, phases, poolFor));
      await proxy.stop();
      proxy = undefined;
    }

    // Every 200 is a booking in the database; a phase's last requests may commit unanswered.
    for (const [i, t] of targets.entries()) {
      const added = (await reservations(t)) - before[i]!;
      if (added < t.booked || added > t.booked + t.uncounted)
        throw new Error(`${t.contender}: ${t.booked} bookings answered 200, but ${added} reached the database`);
    }
    return rows;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await proxy?.stop();
    await Promise.all(databases.map((db) => db.drop()));
    await new Promise<void>((r) => jwks.server.close(() => r()));
    rmSync(work, { recursive: true, force: true });
  }
}

const key = (contender: Contender, processes: number, connections: number) => `${contender} ${processes} ${connections}`;

/** The pool each of N processes gets: what max_connections leaves, shared by the N processes, at most POOL_CAP. */
async function poolBudget(test: TestDatabase): Promise<{ poolFor: (processes: number) => number; note: string }> {
  const override = Number(process.env.BENCH_SCALE_POOL_MAX || 0);
  const { rows } = await test.db.query<{ max: string; open: number }>(
    `SELECT current_setting('max_connections') AS max, (SELECT count(*)::int FROM pg_stat_activity) AS open`,
  );
  const max = Number(rows[0]!.max);
  const open = Number(rows[0]!.open);
  const budget = max - open - SPARE_CONNECTIONS;
  const poolFor = (processes: number) =>
    override > 0 ? override : Math.max(1, Math.min(POOL_CAP, Math.floor(budget / processes) - EXECUTOR_SIDE_CONNECTIONS));
  if (override <= 0 && poolFor(Math.max(...PROCESSES)) < 2)
    throw new Error(`max_connections ${max} leaves no pool for ${Math.max(...PROCESSES)} processes`);
  const note = override > 0 ? "BENCH_SCALE_POOL_MAX" : `max_connections ${max}, ${open} open at the start, ${SPARE_CONNECTIONS} spare`;
  return { poolFor, note };
}

async function reservations(t: Target): Promise<number> {
  const { rows } = await t.test.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "reservation"`);
  return Number(rows[0]!.n) - READER_RESERVATIONS;
}

/** Bookings against N servers at once, `connections` spread over them (one autocannon each), summed. */
async function load(
  t: Target,
  servers: readonly ServerProcess[],
  proxy: LatencyProxy,
  connections: number,
  seconds: number,
  measured = false,
): Promise<Phase> {
  const shares = servers.map((_, i) => Math.floor(connections / servers.length) + (i < connections % servers.length ? 1 : 0));
  const cpuBefore = machineCpu();
  const serversBefore = sum(servers.map((s) => s.cpuMs()));
  const proxyBefore = proxy.cpuMs();
  const backends = await backendPids(t.test);
  const databaseBefore = sum(backends.map(cpuMsOf));
  const t0 = performance.now();
  const work = Promise.all(
    servers
      .map((s, i) => ({ s, share: shares[i]! }))
      .filter(({ share }) => share > 0)
      .map(({ s, share }) =>
        autocannon({
          url: s.url,
          connections: share,
          duration: seconds,
          requests: [bookingRequest(t.seeded, t.writerToken, () => t.next++)],
        }),
      ),
  );
  // Pinged on the server's own database (postgres), so the contender's backends stay its pools' alone.
  const pinged = measured ? measureRoundTrip(SERVER_URL, proxy.through(SERVER_URL), { during: work }) : null;
  const results = await work;
  const underLoad = pinged ? await pinged : null;
  const cpuAfter = machineCpu();
  const wallMs = performance.now() - t0;
  const coresOf = (before: number | null, after: number | null) => (before === null || after === null ? null : (after - before) / wallMs);
  let answered = 0;
  let rps = 0;
  let latency = 0;
  for (const result of results) {
    checkAnswers(result, `${t.contender} (${servers.length} processes, ${connections} connections)`);
    answered += result["2xx"];
    rps += result["2xx"] / result.duration;
    latency += result.latency.mean * result["2xx"];
  }
  t.booked += answered;
  t.uncounted += connections;
  const cpuBusy =
    cpuBefore && cpuAfter
      ? (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.busy + cpuAfter.idle - cpuBefore.busy - cpuBefore.idle)
      : null;
  return {
    rps,
    latencyMs: latency / Math.max(1, answered),
    cpuBusy,
    serverCores: coresOf(serversBefore, sum(servers.map((s) => s.cpuMs()))),
    proxyCores: coresOf(proxyBefore, proxy.cpuMs()),
    databaseCores: coresOf(databaseBefore, sum(backends.map(cpuMsOf))),
    underLoad,
  };
}

/** The PostgreSQL backends connected to the contender's database (PostgreSQL runs on this machine: loopback). */
async function backendPids(test: TestDatabase): Promise<number[]> {
  const { rows } = await test.db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return rows.map((r) => Number(r.pid));
}

const sum = (values: readonly (number | null)[]) => (values.includes(null) ? null : (values as number[]).reduce((a, b) => a + b, 0));

/** The machine's CPU time so far, busy and idle (all cores, clock ticks), from /proc/stat; null off Linux. */
function machineCpu(): { busy: number; idle: number } | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …
    const idle = fields[3]! + fields[4]!;
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, idle };
  } catch {
    return null;
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number | null) => (x === null ? "?" : `${Math.round(x * 100)}%`);
const ms = (x: number | null) => (x === null ? "?" : round2(x).toFixed(2));
const cores = (x: number | null) => (x === null ? "?" : String(Math.round(x * 100) / 100));

function roundTripRow(delayMs: number, rtt: RoundTrip): BenchResult {
  return {
    name: `${delayMs} ms one way: SELECT 1 round trip through the proxy (direct ${round2(rtt.directMs)} ms, proxied ${round2(rtt.proxiedMs)} ms, min ${round2(rtt.proxiedMinMs)} ms)`,
    value: round2(rtt.addedMs),
    unit: "ms added",
  };
}

function report(delayMs: number, rtt: RoundTrip, phases: Map<string, Phase>, poolFor: (processes: number) => number): BenchResult[] {
  const rows: BenchResult[] = [];
  const at = (c: Contender, p: number, n: number) => phases.get(key(c, p, n))!;
  for (const processes of PROCESSES) {
    for (const connections of CONNECTIONS) {
      const [e, s, b] = CONTENDERS.map((c) => at(c, processes, connections)) as [Phase, Phase, Phase];
      const where = `${delayMs} ms, ${processes} proc, ${connections} conn`;
      const bound = Math.round((connections * 1000) / rtt.proxiedMs);
      const pooled = poolFor(processes) * processes < connections ? `, pools ${poolFor(processes) * processes} < connections` : "";
      const each = (f: (p: Phase) => string) => [e, s, b].map(f).join(" / ");
      rows.push({
        name: `${where}: bookings/s executor / same / bare (mean latency ${each((p) => String(round2(p.latencyMs)))} ms; the proxy added ${each((p) => String(round2(p.underLoad?.addedMs ?? NaN)))} ms per round trip; bound conn/RTT ${bound}${pooled})`,
        value: Math.round(e.rps),
        unit: `/ ${Math.round(s.rps)} / ${Math.round(b.rps)} req/s`,
      });
      rows.push({
        name: `${where}: cores used by servers + PostgreSQL + proxy, executor / same / bare: ${each((p) => `${cores(p.serverCores)} + ${cores(p.databaseCores)} + ${cores(p.proxyCores)}`)}; machine busy`,
        value: Math.round(100 * Math.max(...[e, s, b].map((p) => p.cpuBusy ?? 0))),
        unit: "% (most of the three)",
      });
      // What one booking costs the machine: on a CPU-bound machine, executor / bare ≈ bare's cost / the executor's.
      const perBooking = (p: Phase) =>
        [p.serverCores, p.databaseCores, p.proxyCores].map((c) => (c === null ? null : (1000 * c) / Math.max(p.rps, 0.001)));
      const costOf = (p: Phase) => sum(perBooking(p));
      const [eCost, bCost] = [costOf(e), costOf(b)];
      rows.push({
        name: `${where}: CPU ms per booking, servers + PostgreSQL + proxy, executor / same / bare: ${each((p) => perBooking(p).map(ms).join(" + "))}; bare's cost ÷ the executor's`,
        value: eCost === null || bCost === null ? NaN : round2(bCost / eCost),
        unit: "×",
      });
      const vsBare = round2(e.rps / Math.max(b.rps, 0.001));
      const targeted = delayMs === 1 && connections === 50;
      rows.push({
        name: `${where}: executor / bare (executor / same ${round2(e.rps / Math.max(s.rps, 0.001))})`,
        value: vsBare,
        unit: "×",
        ...(targeted ? { target: `≥ ${BARE_TARGET}`, ok: vsBare >= BARE_TARGET } : {}),
      });
    }
    // Rising with connections: 10 → 50 (the first two counts measured), unless the CPU was the limit.
    if (CONNECTIONS.length >= 2) {
      const [low, high] = [CONNECTIONS[0]!, CONNECTIONS[1]!];
      for (const c of CONTENDERS) {
        const rise = round2(at(c, processes, high).rps / Math.max(at(c, processes, low).rps, 0.001));
        const busy = at(c, processes, high).cpuBusy;
        const cpuBound = busy !== null && busy >= CPU_BOUND;
        const rest = CONNECTIONS.slice(2).map((n) => `${n}: ${Math.round(at(c, processes, n).rps)}`);
        rows.push({
          name: `${delayMs} ms, ${processes} proc, ${c}: throughput ${low} → ${high} connections (CPU ${pct(busy)} at ${high}${cpuBound ? ", CPU-bound" : ""}${rest.length ? `; req/s at ${rest.join(", ")}` : ""})`,
          value: rise,
          unit: "×",
          target: `≥ ${RISE_TARGET} or CPU-bound`,
          ok: rise >= RISE_TARGET || cpuBound,
        });
      }
    }
  }
  return rows;
}
