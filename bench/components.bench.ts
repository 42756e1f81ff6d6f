/**
 * `pulumi preview` of FasciaDeployment under the SDK's mocks (preview mode, mocks that return
 * only inputs, as a real preview knows nothing the cloud computes): the reservations example,
 * and an app of N = 200 tools against 2N = 400 (the example's tools cloned under new names and
 * routes). Timed from the constructor until every resource registration reached the monitor:
 * spec loading, validation, governance of every tool, and the resource graph.
 * Target: time(2N)/time(N) ≤ 2.2 (linear in tools).
 */
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { FasciaDeployment } from "../components/fascia-deployment";
import { exampleWithTools } from "./plan-risk.bench";
import { median, type BenchResult } from "./result";

export const name = "components: preview under mocks";

const IMAGE = `europe-west1-docker.pkg.dev/bench/fascia/executor@sha256:${"0a".repeat(32)}`;
const SECRETS = { PAYMENTS_API_KEY: "k", PAYMENTS_WEBHOOK_SECRET: "w", OPS_WEBHOOK_TOKEN: "o" };

let registered = 0;
let waiters: { count: number; resolve: () => void }[] = [];

async function installMocks(): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered++;
        waiters = waiters.filter((w) => (registered >= w.count ? (w.resolve(), false) : true));
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "bench",
    "bench",
    true,
  );
}

function untilRegistered(count: number): Promise<void> {
  return registered >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }));
}

let runs = 0;

/** One preview: ms until all `expected` registrations arrived; returns how many there were. */
async function preview(specs: unknown[] | undefined, expected: number | undefined): Promise<{ ms: number; count: number }> {
  const start = registered;
  const t0 = performance.now();
  new FasciaDeployment(`app${runs++}`, {
    ...(specs ? { specs } : { specDir: "examples/reservations" }),
    image: IMAGE,
    project: "bench",
    region: "europe-west1",
    secrets: SECRETS,
  });
  if (expected === undefined) {
    // First run of a size: let everything land, then count.
    let last = -1;
    while (last !== registered) {
      last = registered;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { ms: performance.now() - t0, count: registered - start };
  }
  await untilRegistered(start + expected);
  return { ms: performance.now() - t0, count: expected };
}

export async function run(n = 200): Promise<BenchResult[]> {
  await installMocks();
  // Without an engine the SDK logs to the console: hundreds of acknowledged-Yellow warnings.
  const consoleWarn = console.warn;
  console.warn = () => {};
  try {
    return await measure(n);
  } finally {
    console.warn = consoleWarn;
  }
}

async function measure(n: number): Promise<BenchResult[]> {
  const example = await preview(undefined, undefined);
  const small = exampleWithTools(n);
  const large = exampleWithTools(2 * n);
  const smallCount = (await preview(small, undefined)).count;
  const largeCount = (await preview(large, undefined)).count;
  const exampleTimes: number[] = [];
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let r = 0; r < 5; r++) {
    exampleTimes.push((await preview(undefined, example.count)).ms);
    smallTimes.push((await preview(small, smallCount)).ms);
    largeTimes.push((await preview(large, largeCount)).ms);
  }
  const tN = median(smallTimes);
  const t2N = median(largeTimes);
  const ratio = t2N / tN;
  return [
    { name: `example preview (${example.count} resources)`, value: Math.round(median(exampleTimes)), unit: "ms" },
    { name: `${n}-tool app preview (${smallCount} resources)`, value: Math.round(tN), unit: "ms" },
    { name: `${2 * n}-tool app preview (${largeCount} resources)`, value: Math.round(t2N), unit: "ms" },
    { name: "time(2N) / time(N)", value: Number(ratio.toFixed(2)), unit: "×", target: "≤ 2.2", ok: ratio <= 2.2 },
  ];
}

if (require.main === module) {
  run().then((results) => {
    for (const r of results)
      console.log(`${r.name}: ${r.value} ${r.unit}${r.target ? `  (target ${r.target}: ${r.ok ? "met" : "MISSED"})` : ""}`);
  });
}
