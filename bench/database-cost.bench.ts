/**
 * What a booking costs PostgreSQL: the CPU time of the database's own backends per booking
 * (POST /reservations, createReservation without its email), for the executor and for the
 * hand-written endpoint with both guarantees (`same`: the executor's statements), with one each
 * (`idempotency`: the claim and the stored response; `audit`: the chained record) and with none
 * (`bare`).
 *
 * Why a benchmark of its own: a deployment scales the executor out over Cloud Run instances, the
 * database it cannot, so bookings per second of database CPU is the deployment's ceiling; and on
 * this machine the database shares two cores with the servers, the proxy and the load generator,
 * so scale.bench.ts, once the CPU is saturated, measures all of their costs at once. Here the
 * servers run in this process (fastify inject: no HTTP, no proxy), CONCURRENCY bookings in flight
 * on a pool of as many connections, and only the backends' CPU is counted (/proc/<pid>/stat of the
 * pool's connections, found by their application_name), so the figures hold whatever the servers
 * cost in Node. bare's cost ÷ a contender's is the share of bare's throughput the contender reaches
 * when the database's CPU is the limit.
 *
 * Every answer must be a 200 and every booking must be in the database. Each contender has a
 * database of its own, warmed up (its statements prepared, its pool full) right before each measure;
 * the contenders take turns, in reverse order every other round. Knobs: BENCH_COST_BOOKINGS
 * (bookings per contender and round, 2000), BENCH_COST_ROUNDS (2), BENCH_COST_CONCURRENCY (8).
 */
import { generateKeyPair } from "jose";
import type { FastifyInstance } from "fastify";
import { openPg } from "../database/pg-driver";
import type { Database } from "../database/types";
import { createPgDatabase, type TestDatabase } from "../test/support/databases";
import { benchManifest, booking, prepareDatabase, READER_RESERVATIONS, type Seeded } from "./executor/bench-app";
import { benchToken } from "./executor/contenders";
import type { Guarantees } from "./executor/hand-written";
import { handWrittenPool, inProcessExecutor, inProcessHandWritten } from "./executor/in-process";
import { cpuMsOf } from "./executor/processes";
import type { BenchResult } from "./result";

export const name = "what a booking costs PostgreSQL";

const BOOKINGS = Number(process.env.BENCH_COST_BOOKINGS || 2000);
const ROUNDS = Number(process.env.BENCH_COST_ROUNDS || 2);
const CONCURRENCY = Number(process.env.BENCH_COST_CONCURRENCY || 8);
const WARMUP = 200;
/** How the contender's pool names its connections, so its backends are told from the bench's own. */
const APPLICATION = "fascia-bench-cost";

type Contender = "executor" | Guarantees;
const CONTENDERS: readonly Contender[] = ["executor", "same", "idempotency", "audit", "bare"];

interface Target {
  contender: Contender;
  test: TestDatabase;
  seeded: Seeded;
  token: string;
  server: FastifyInstance;
  close: () => Promise<void>;
  next: number;
  booked: number;
  /** Database CPU ms per booking, one per round. */
  costs: number[];
}

export async function run(): Promise<BenchResult[]> {
  const manifest = benchManifest();
  const keys = await generateKeyPair("ES256");
  const targets: Target[] = [];
  try {
    for (const contender of CONTENDERS) {
      const test = await createPgDatabase();
      const target: Partial<Target> = { contender, test, next: 0, booked: 0, costs: [] };
      targets.push(target as Target);
      target.seeded = await prepareDatabase(test.db, manifest);
      target.token = await benchToken(keys.privateKey, target.seeded.writer);
      const url = withApplicationName(test.url);
      if (contender === "executor") {
        const db: Database = openPg(url, { max: CONCURRENCY });
        target.server = inProcessExecutor(manifest, db, keys.publicKey);
        target.close = () => db.close();
      } else {
        const pool = handWrittenPool(url, CONCURRENCY);
        target.server = inProcessHandWritten(contender, pool, keys.publicKey);
        target.close = () => pool.end();
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        // Right before measuring: the pools close connections idle for 10 s (pg's default) while the others run.
        await book(t, WARMUP);
        const backends = await backendPids(t.test);
        if (backends.length === 0) throw new Error(`${t.contender}: no backend of its pool found`);
        const before = sumCpu(backends);
        await book(t, BOOKINGS);
        t.costs.push((sumCpu(backends) - before) / BOOKINGS);
      }
    }
    for (const t of targets) {
      const { rows } = await t.test.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "reservation"`);
      const added = Number(rows[0]!.n) - READER_RESERVATIONS;
      if (added !== t.booked) throw new Error(`${t.contender}: ${t.booked} bookings answered 200, but ${added} are in the database`);
    }
    return report(targets);
  } finally {
    for (const t of targets) {
      await t.server?.close();
      await t.close?.();
      await t.test.drop();
    }
  }
}

function withApplicationName(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("application_name", APPLICATION);
  return parsed.toString();
}

/** `count` bookings, CONCURRENCY at a time, each answered 200. */
async function book(t: Target, count: number): Promise<void> {
  let left = count;
  const worker = async () => {
    while (left > 0) {
      left--;
      const b = booking(t.seeded, t.next++);
      const response = await t.server.inject({
        method: "POST",
        url: "/reservations",
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json", "idempotency-key": b.key },
        payload: b.body,
      });
      if (response.statusCode !== 200) throw new Error(`${t.contender}: booking answered ${response.statusCode}: ${response.body}`);
      t.booked++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** The contender's pool's backends (PostgreSQL runs on this machine: loopback). */
async function backendPids(test: TestDatabase): Promise<number[]> {
  const { rows } = await test.db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [APPLICATION],
  );
  return rows.map((r) => Number(r.pid));
}

function sumCpu(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const ms = cpuMsOf(pid);
    if (ms === null) throw new Error(`the CPU time of backend ${pid} cannot be read (/proc: Linux, PostgreSQL on this machine)`);
    total += ms;
  }
  return total;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function report(targets: readonly Target[]): BenchResult[] {
  const cost = new Map(targets.map((t) => [t.contender, mean(t.costs)]));
  const of = (c: Contender) => cost.get(c)!;
  const rows: BenchResult[] = targets.map((t) => ({
    name: `${t.contender}: database CPU per booking (rounds ${t.costs.map((c) => c.toFixed(3)).join(" / ")} ms; ${CONCURRENCY} in flight)`,
    value: round2(of(t.contender)),
    unit: "ms",
  }));
  const added = (c: Contender) => `${of(c) >= of("bare") ? "+" : ""}${(of(c) - of("bare")).toFixed(2)} ms`;
  rows.push({
    name: `what each guarantee adds to bare's ${of("bare").toFixed(2)} ms: idempotency ${added("idempotency")}, audit ${added("audit")}, both (same) ${added("same")}, the executor ${added("executor")}; bare's cost ÷ the executor's`,
    value: round2(of("bare") / of("executor")),
    unit: "×",
  });
  rows.push({
    name: `bare's cost ÷ same's (the executor's statements, written by hand)`,
    value: round2(of("bare") / of("same")),
    unit: "×",
  });
  rows.push({ name: `executor: bookings per second of one database core`, value: Math.round(1000 / of("executor")), unit: "/s" });
  return rows;
}
