/**
 * Flow Studio's automatic layout (studio/web/layout.ts, elkjs) on generated flows shaped like real
 * ones: chains of steps, if/switch branches that join again, transactions with retry scopes nested
 * inside, labelled branch edges. Targets (issue 15): 200 nodes laid out in under 250 ms (median),
 * and time(400) / time(200) ≤ 2.5 (no worse than about linear).
 */
import { layoutGraph, type LayoutInput } from "../studio/web/layout";
import { median, type BenchResult } from "./result";

export const name = "studio-layout";

/** A deterministic flow of about `size` executable nodes (same seed, same flow). */
export function generateFlow(size: number, seed = 7): LayoutInput {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const nodes: LayoutInput["nodes"] = [];
  const edges: LayoutInput["edges"] = [];
  const scopes: NonNullable<LayoutInput["scopes"]> = [];
  const add = (): string => {
    const id = `n${nodes.length}`;
    const findings = random() < 0.2 ? 1 + Math.floor(random() * 2) : 0;
    nodes.push({ id, width: 260, height: 64 + findings * 52 });
    return id;
  };
  let tail = add();
  while (nodes.length < size) {
    const shape = random();
    if (shape < 0.35) {
      // A transaction of a few steps, sometimes with a retry scope around part of them.
      const members: string[] = [];
      const length = 3 + Math.floor(random() * 5);
      for (let i = 0; i < length && nodes.length < size; i++) {
        const id = add();
        edges.push({ from: tail, to: id });
        members.push(id);
        tail = id;
      }
      const tx = `tx${scopes.length}`;
      if (members.length >= 3 && random() < 0.5) {
        const retry = `retry${scopes.length}`;
        const inner = members.slice(1, 3);
        scopes.push({ id: retry, members: inner, parent: tx });
        scopes.push({ id: tx, members: [members[0]!, retry, ...members.slice(3)], parent: null });
      } else scopes.push({ id: tx, members, parent: null });
    } else if (shape < 0.6) {
      // A branch: an if (or a switch with three cases) whose arms join again.
      const branch = add();
      edges.push({ from: tail, to: branch });
      const arms = random() < 0.7 ? ["true", "false"] : ["small", "large", "default"];
      const ends: string[] = [];
      for (const label of arms) {
        let armTail = branch;
        const armLength = 1 + Math.floor(random() * 2);
        for (let i = 0; i < armLength; i++) {
          const id = add();
          edges.push(armTail === branch ? { from: branch, to: id, label } : { from: armTail, to: id });
          armTail = id;
        }
        ends.push(armTail);
      }
      const joined = add();
      for (const end of ends) edges.push({ from: end, to: joined });
      tail = joined;
    } else {
      const id = add();
      edges.push({ from: tail, to: id });
      tail = id;
    }
  }
  return { nodes, edges, scopes };
}

async function timeLayout(input: LayoutInput, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await layoutGraph(input);
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function run(): Promise<BenchResult[]> {
  const flow200 = generateFlow(200);
  const flow400 = generateFlow(400);
  // Warm up the engine (ELK is compiled Java: the first layouts run cold).
  for (let i = 0; i < 3; i++) {
    await layoutGraph(flow200);
    await layoutGraph(flow400);
  }
  const t200 = await timeLayout(flow200, 9);
  const t400 = await timeLayout(flow400, 9);
  const ratio = t400 / t200;
  return [
    {
      name: `lay out 200 nodes (${flow200.edges.length} edges, ${flow200.scopes!.length} scopes)`,
      value: round(t200),
      unit: "ms",
      target: "< 250 ms",
      ok: t200 < 250,
    },
    { name: `lay out 400 nodes (${flow400.edges.length} edges, ${flow400.scopes!.length} scopes)`, value: round(t400), unit: "ms" },
    { name: "time(400)/time(200)", value: round(ratio, 2), unit: "×", target: "≤ 2.5", ok: ratio <= 2.5 },
  ];
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
