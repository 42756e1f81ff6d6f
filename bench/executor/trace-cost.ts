/**
 * What the per-node trace costs one invocation in CPU, measured in-process on the benchmark's own
 * booking plan: the recorder's calls for each node and the transaction, the trace made for the
 * record, and the two serialisations the append makes of it (the stored JSON and the hashed
 * canonical JSON). The load phases' paired throughput ratio says the same under load, but on a
 * shared VM it moves by more than the 3% it is checked against; CPU time in one process barely
 * moves with the machine's load, so this is the steady figure beside it.
 */
import type { ExecutionPlan } from "../../compiler/flow/plan";
import { canonicalJson } from "../../contracts/canonical-json";
import { TraceRecorder } from "../../executor/audit/flow-trace";

const WARMUP = 20_000;
const MEASURED = 100_000;

/** CPU µs per invocation spent on the trace of `plan` when every node runs and the writes return one row. */
export function traceCpuUs(plan: ExecutionPlan): number {
  const row = [{ id: "6912e2e3-5481-4cd2-b099-c18d83516255" }];
  const one = (): number => {
    const trace = new TraceRecorder(Date.now());
    trace.began("tx");
    for (const id of plan.order) {
      const run = trace.nodeStarted(id);
      if (plan.nodes[id]!.type === "write") trace.wrote(id, row);
      trace.nodeEnded(run);
    }
    const made = trace.toTrace(plan.order, []);
    return JSON.stringify(made).length + canonicalJson(made).length;
  };
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += one();
  const before = process.cpuUsage();
  for (let i = 0; i < MEASURED; i++) sink += one();
  const used = process.cpuUsage(before);
  if (sink === 0) throw new Error("the trace came out empty");
  return (used.user + used.system) / MEASURED;
}
