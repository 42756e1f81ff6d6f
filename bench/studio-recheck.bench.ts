/**
 * Live feedback at scale (issue 15): after one edit in an app of 1,000 entities + 1,000 tools, the
 * studio's re-check + re-plan + re-judge (StudioCheck.update, the verdicts of the tools it names,
 * load()) costs ≤ 2% of a full load of that app (loadSpecSources, then compile and assess every
 * tool), measured in the same run. Two edits: a node added to one tool, and a field added to one
 * entity that three tools write and another entity's relationship names. The app is spec-load's
 * (entities with nine fields, a belongsTo, a status machine, invariants; tools with a read under
 * lock, an assert, a branch, two writes in a transaction and an email). A third row repeats the tool
 * edit in the same app with a diagnostic in every tool, for load() to hand back 1,000 of them.
 */
import { performance } from "node:perf_hooks";
import { compileTool } from "../compiler/flow/compile";
import { loadSpecSources, type SpecSource } from "../loader/load";
import { assessTool, entityMap } from "../risk/engine";
import { StudioCheck } from "../studio/check";
import { median, type BenchResult } from "./result";
import { specSources } from "./spec-load.bench";

export const name = "studio re-check";

const EDITED_TOOL = "tools/activate-item500.yaml";
const EDITED_ENTITY = "entities/item500.yaml";
/** Tools that, besides activateItem500, write Item500 (so the entity edit reaches three tools and Item501). */
const SHARING_TOOLS = [501, 502];

/** The app, with two more tools on Item500. */
function app(n: number): SpecSource[] {
  return specSources(n).map((s) => {
    const i = SHARING_TOOLS.find((k) => s.file === `tools/activate-item${k}.yaml`);
    return i === undefined ? s : { file: s.file, text: s.text.replaceAll(`entity: Item${i},`, "entity: Item500,") };
  });
}

/** The tool with one node more: a transform after the transition. */
function withNode(text: string): string {
  return text
    .replace(
      "    - { id: tx, type: transaction",
      '    - { id: stamp, type: transform, value: "nodes.activate.quantity + 1" }\n    - { id: tx, type: transaction',
    )
    .replace("    - { from: activate, to: notify }", "    - { from: activate, to: notify }\n    - { from: activate, to: stamp }");
}

/** The entity with one field more. */
function withField(text: string): string {
  return text.replace("  notes:     {", "  rating:    { type: integer, min: 0, max: 5, optional: true }\n  notes:     {");
}

/** Every tool with an unknown column in its first read: 1,000 diagnostics for load() to hand back after each edit. */
function broken(sources: readonly SpecSource[]): SpecSource[] {
  return sources.map((s) => (s.file.startsWith("tools/") ? { file: s.file, text: breakRead(s.text) } : s));
}
const breakRead = (text: string) => text.replace('where: { id: "input.itemId" }, one: true', 'where: { idd: "input.itemId" }, one: true');

/** A full load the one-shot way: load, compile and judge every tool. */
function fullLoad(sources: readonly SpecSource[]): number {
  const start = performance.now();
  const loaded = loadSpecSources(sources);
  const entities = entityMap(loaded.specs);
  for (const { spec } of loaded.specs.tools.values()) assessTool(compileTool(spec, entities));
  const ms = performance.now() - start;
  if (!loaded.ok) throw new Error(`bench specs are invalid: ${loaded.diagnostics[0]?.message}`);
  return ms;
}

/** A full load through the studio: a new StudioCheck and every tool's verdict. */
function studioLoad(sources: readonly SpecSource[]): { ms: number; studio: StudioCheck } {
  const start = performance.now();
  const studio = new StudioCheck(sources);
  for (const name of studio.load().specs.tools.keys()) if (!studio.assessment(name)) throw new Error(`${name} has no verdict`);
  return { ms: performance.now() - start, studio };
}

/** One edit: update, the verdict of every tool it names, and the load result. */
function timeEdit(studio: StudioCheck, file: string, text: string, expectTools: number, expectDiagnostics = 0): number {
  const start = performance.now();
  const { tools } = studio.update([{ file, text }]);
  for (const name of tools) studio.assessment(name);
  const loaded = studio.load();
  const ms = performance.now() - start;
  if (loaded.diagnostics.length !== expectDiagnostics)
    throw new Error(
      `edit of ${file} left ${loaded.diagnostics.length} diagnostics, not ${expectDiagnostics}: ${loaded.diagnostics[0]?.message}`,
    );
  if (tools.size !== expectTools) throw new Error(`edit of ${file} named ${tools.size} tools, not ${expectTools}`);
  return ms;
}

export async function run(n = 1000, repeats = 5, edits = 21): Promise<BenchResult[]> {
  const sources = app(n);
  const original = new Map(sources.map((s) => [s.file, s.text]));
  fullLoad(sources); // warm-up: JIT, zod's compiled parsers, cel-js caches
  const fullTimes: number[] = [];
  const studioTimes: number[] = [];
  let studio: StudioCheck | undefined;
  for (let r = 0; r < repeats; r++) {
    fullTimes.push(fullLoad(sources));
    const built = studioLoad(sources);
    studioTimes.push(built.ms);
    studio = built.studio;
  }
  // Each edit is made and then undone (also an edit); both are timed.
  const toolTimes: number[] = [];
  const entityTimes: number[] = [];
  const tool = original.get(EDITED_TOOL)!;
  const entity = original.get(EDITED_ENTITY)!;
  for (let r = 0; r < edits; r++) {
    toolTimes.push(timeEdit(studio!, EDITED_TOOL, withNode(tool), 1), timeEdit(studio!, EDITED_TOOL, tool, 1));
    entityTimes.push(timeEdit(studio!, EDITED_ENTITY, withField(entity), 3), timeEdit(studio!, EDITED_ENTITY, entity, 3));
  }
  // The same tool edit (the tool fixed, then broken again) when every other tool has a diagnostic.
  const brokenStudio = new StudioCheck(broken(sources));
  const brokenTimes: number[] = [];
  for (let r = 0; r < edits; r++) {
    brokenTimes.push(timeEdit(brokenStudio, EDITED_TOOL, tool, 1, n - 1), timeEdit(brokenStudio, EDITED_TOOL, breakRead(tool), 1, n));
  }
  const full = median(fullTimes);
  const brokenRatio = median(brokenTimes) / full;
  const toolRatio = median(toolTimes) / full;
  const entityRatio = median(entityTimes) / full;
  const percent = (ratio: number) => Number((ratio * 100).toFixed(2));
  return [
    { name: `full load ${n} entities + ${n} tools (load + plan + risk)`, value: Math.round(full), unit: "ms" },
    { name: "full load through StudioCheck", value: Math.round(median(studioTimes)), unit: "ms" },
    { name: "edit one tool (a node added)", value: Number(median(toolTimes).toFixed(2)), unit: "ms" },
    { name: "edit one tool / full load", value: percent(toolRatio), unit: "%", target: "≤ 2 %", ok: toolRatio <= 0.02 },
    { name: "edit one entity (3 tools, 1 entity use it)", value: Number(median(entityTimes).toFixed(2)), unit: "ms" },
    { name: "edit one entity / full load", value: percent(entityRatio), unit: "%", target: "≤ 2 %", ok: entityRatio <= 0.02 },
    {
      name: `edit one tool, ${n} diagnostics in the app / full load`,
      value: percent(brokenRatio),
      unit: "%",
      target: "≤ 2 %",
      ok: brokenRatio <= 0.02,
    },
  ];
}
