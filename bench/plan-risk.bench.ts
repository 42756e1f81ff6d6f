/**
 * Plan + risk of N tools and of 2N tools: the example app's six tools cloned under new names and
 * routes (realistic flows: transactions, branches, payments, retries, raw SQL). Loading the specs
 * is measured apart; the target is on compiling every tool to its plan and running every rule:
 * under 2 s for 1,000 tools, time(2N)/time(N) ≤ 2.2.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseAllDocuments } from "yaml";
import { setCelAstCaching } from "../language/cel-syntax";
import { assessSpecs } from "../risk/engine";
import { loadSpecObjects } from "../loader/load";
import { findSpecFiles } from "../loader/source/spec-files";
import type { SpecSet } from "../loader/model";
import { median, type BenchResult } from "./result";

export const name = "plan + risk";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLE = "examples/reservations";

/** The example's entities and policies, plus `count` tools cloned from its tools. */
export function exampleWithTools(count: number): Doc[] {
  const docs = findSpecFiles(EXAMPLE).flatMap((f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS() as Doc));
  const tools = docs.filter((d) => d.kind === "Tool");
  const rest = docs.filter((d) => d.kind !== "Tool");
  const clones: Doc[] = [];
  for (let i = 0; i < count; i++) {
    const tool = structuredClone(tools[i % tools.length]!);
    tool.name = `${tool.name}${i}`;
    if (tool.trigger.http) tool.trigger.http.path = `/t${i}${tool.trigger.http.path}`;
    if (tool.trigger.webhook) tool.trigger.webhook.path = `/t${i}${tool.trigger.webhook.path}`;
    clones.push(tool);
  }
  return [...rest, ...clones];
}

function loadTools(count: number): SpecSet {
  const loaded = loadSpecObjects(exampleWithTools(count));
  if (!loaded.ok) throw new Error(`bench specs are invalid: ${loaded.diagnostics[0]?.message}`);
  return loaded.specs;
}

/** One timing of plan + risk over every tool. */
function timePlanRisk(specs: SpecSet): number {
  const start = performance.now();
  const assessments = assessSpecs(specs);
  const ms = performance.now() - start;
  if (assessments.length !== specs.tools.size) throw new Error("not every tool was assessed");
  return ms;
}

export async function run(n = 1000): Promise<BenchResult[]> {
  // Cloned tools share expression texts, which a real app's tools do not: parse every one cold.
  setCelAstCaching(false);
  const loadStart = performance.now();
  const small = loadTools(n);
  const loadMs = performance.now() - loadStart;
  const large = loadTools(2 * n);
  timePlanRisk(small); // warm the JIT
  timePlanRisk(large);
  // Interleaved repeats, so drift (GC, CPU frequency, a neighbour's load) hits both sizes alike.
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let r = 0; r < 9; r++) {
    smallTimes.push(timePlanRisk(small));
    largeTimes.push(timePlanRisk(large));
  }
  const tN = median(smallTimes);
  const t2N = median(largeTimes);
  const ratio = t2N / tN;
  setCelAstCaching(true);
  return [
    { name: `load + check ${n} tools (not in the target)`, value: Math.round(loadMs), unit: "ms" },
    { name: `plan + risk, ${n} tools`, value: Math.round(tN), unit: "ms", target: "< 2000 ms", ok: tN < 2000 },
    { name: `plan + risk, ${2 * n} tools`, value: Math.round(t2N), unit: "ms" },
    { name: "time(2N) / time(N)", value: Number(ratio.toFixed(2)), unit: "×", target: "≤ 2.2", ok: ratio <= 2.2 },
  ];
}

if (require.main === module) {
  run().then((results) => {
    for (const r of results)
      console.log(`${r.name}: ${r.value} ${r.unit}${r.target ? `  (target ${r.target}: ${r.ok ? "met" : "MISSED"})` : ""}`);
  });
}
