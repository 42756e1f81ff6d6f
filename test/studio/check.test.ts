/**
 * StudioCheck equals a fresh load and judgement after every edit: random sequences of file changes
 * (support/edits.ts) on the example app and on generated apps; after each, the load result
 * (diagnostics, specs, their order) and every tool's verdict (risk, findings, plan) are those of
 * loadSpecSources + compileTool + assessTool on the same texts, and every tool or entity whose
 * verdict changed is among the names update() returned.
 * PROPERTY_RUNS=500 runs longer; PROPERTY_SEED=<seed> replays a failure.
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { stringify } from "yaml";
import { findSpecFiles } from "../../loader/source/spec-files";
import { StudioCheck } from "../../studio/check";
import { allDocuments, validSpecSet } from "../loader/support/valid-specs";
import { AppFiles, editSteps, type EditStep } from "./support/edits";
import { entityStanding, freshCheck, plainSpecs, sameVerdict, verdictOf, type Fresh } from "./support/fresh";

const options = (usual: number) => ({
  numRuns: Number(process.env.PROPERTY_RUNS ?? usual),
  ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}),
});

const EXAMPLE = "examples/reservations";
const exampleFiles = new Map(findSpecFiles(EXAMPLE).map((f) => [relative(process.cwd(), f), readFileSync(f, "utf8")]));

/**
 * node:util's deep equality, not Jest's: Jest takes an own `constructor` key (a node may be called
 * that, and plan.nodes is keyed by id) for the object's class, and two equal plans would differ.
 */
function expectEqual(label: string, actual: unknown, expected: unknown): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect([label, actual]).toEqual([label, expected]);
  throw new Error(`${label} differs from a fresh check (in a way toEqual does not show)`);
}

function expectSame(studio: StudioCheck, fresh: Fresh): void {
  const loaded = studio.load();
  expectEqual("diagnostics", loaded.diagnostics, fresh.loaded.diagnostics);
  expectEqual("ok", loaded.ok, fresh.loaded.ok);
  expectEqual("specs", plainSpecs(loaded.specs), plainSpecs(fresh.loaded.specs));
  for (const [name, verdict] of fresh.verdicts) expectEqual(`verdict of ${name}`, verdictOf(studio.assessment(name)), verdictOf(verdict));
}

/** Runs the batches of edits on `files`, comparing with a fresh check after each. */
function replay(files: ReadonlyMap<string, string>, batches: readonly EditStep[][]): void {
  const log: string[] = [];
  const app = new AppFiles(files, (line) => log.push(line));
  try {
    const studio = new StudioCheck(app.sources);
    let before = freshCheck(app.sources);
    expectSame(studio, before);
    for (const batch of batches) {
      const changes = app.apply(batch);
      log.push("— update");
      const named = studio.update(changes);
      const after = freshCheck(app.sources);
      expectSame(studio, after);
      for (const name of new Set([...before.verdicts.keys(), ...after.verdicts.keys()])) {
        if (!sameVerdict(before.verdicts.get(name), after.verdicts.get(name))) expect([name, named.tools.has(name)]).toEqual([name, true]);
      }
      const entities = new Set([...before.loaded.specs.entities.keys(), ...after.loaded.specs.entities.keys()]);
      for (const name of entities) {
        const changed = JSON.stringify(entityStanding(before, name)) !== JSON.stringify(entityStanding(after, name));
        if (changed) expect([name, named.entities.has(name)]).toEqual([name, true]);
      }
      before = after;
    }
  } catch (error) {
    (error as Error).message = `edits:\n  ${log.join("\n  ")}\n${(error as Error).message}`;
    throw error;
  }
}

describe("StudioCheck equals a fresh load and judgement after every edit", () => {
  it("on the example app", () => {
    fc.assert(
      fc.property(editSteps(8), (batches) => replay(exampleFiles, batches)),
      options(40),
    );
  });

  it("on generated apps (one to three specs per file)", () => {
    fc.assert(
      fc.property(validSpecSet, fc.integer({ min: 1, max: 3 }), editSteps(6), (set, perFile, batches) => {
        const files = new Map<string, string>();
        allDocuments(set).forEach((doc, i) => {
          const file = `gen/file${Math.floor(i / perFile)}.yaml`;
          files.set(file, files.has(file) ? `${files.get(file)}---\n${stringify(doc)}` : stringify(doc));
        });
        replay(files, batches);
      }),
      options(60),
    );
  });
});

describe("StudioCheck: verdicts and what an edit names", () => {
  const file = (name: string) => [...exampleFiles.keys()].find((f) => f.endsWith(name))!;
  const CREATE_ROOM = file("tools/create-room.yaml");
  const ROOM = file("entities/room.yaml");
  const start = () => {
    const studio = new StudioCheck([...exampleFiles].map(([f, text]) => ({ file: f, text })));
    const verdicts = new Map([...studio.load().specs.tools.keys()].map((name) => [name, studio.assessment(name)]));
    return { studio, verdicts };
  };

  it("a write taken out of its transaction turns that tool red, and no other tool is judged again", () => {
    const { studio, verdicts } = start();
    expect(verdicts.get("createRoom")?.risk).toBe("green");
    const text = exampleFiles.get(CREATE_ROOM)!.replace("    - { id: tx, type: transaction, nodes: [room] }\n", "");
    const named = studio.update([{ file: CREATE_ROOM, text }]);
    expect([...named.tools]).toEqual(["createRoom"]);
    expect([...named.entities]).toEqual([]);
    const red = studio.assessment("createRoom")!;
    expect(red.risk).toBe("red");
    expect(red.findings.filter((f) => f.level === "red").map((f) => [f.rule, f.node])).toEqual([["R001", "room"]]);
    for (const [name, verdict] of verdicts) if (name !== "createRoom") expect(studio.assessment(name)).toBe(verdict);
    studio.update([{ file: CREATE_ROOM, text: exampleFiles.get(CREATE_ROOM)! }]);
    expect(studio.assessment("createRoom")?.risk).toBe("green");
  });

  it("an entity edit names the tools that read or write it, and judges again those whose plan looked it up", () => {
    const { studio, verdicts } = start();
    const text = exampleFiles.get(ROOM)!.replace("  active:", "  floor:       { type: integer, optional: true }\n  active:");
    const named = studio.update([{ file: ROOM, text }]);
    expect([...named.tools].sort()).toEqual(["createReservation", "createRoom"]);
    expect([...named.entities].sort()).toEqual(["Reservation", "Room"]);
    // createRoom's plan looked Room up (it creates one); createReservation's only reads a row of it,
    // which its check types (so it is named) but its plan and rules never consult.
    expect(studio.assessment("createRoom")).not.toBe(verdicts.get("createRoom"));
    for (const [name, verdict] of verdicts) if (name !== "createRoom") expect(studio.assessment(name)).toBe(verdict);
  });

  it("no verdict for a tool that is absent or has a diagnostic in its file", () => {
    const { studio } = start();
    expect(studio.assessment("noSuchTool")).toBeNull();
    studio.update([{ file: CREATE_ROOM, text: exampleFiles.get(CREATE_ROOM)!.replace("entity: Room", "entity: Rooms") }]);
    expect(studio.assessment("createRoom")).toBeNull();
    const named = studio.update([{ file: CREATE_ROOM, text: null }]);
    expect(named.tools.has("createRoom")).toBe(true);
    expect(studio.load().specs.tools.has("createRoom")).toBe(false);
  });

  it("the concurrency strategy follows the fields of the entity a tool writes", () => {
    const entity = (unique: boolean) => `kind: Entity
name: Item
fields:
  code: { type: string${unique ? ", unique: true" : ""} }
  quantity: { type: integer }
`;
    const restock = `kind: Tool
name: restock
trigger:
  http: { method: POST, path: /restock }
input:
  code: { type: string }
flow:
  nodes:
    - { id: load, type: read, entity: Item, where: { code: "input.code" }, one: true }
    - { id: save, type: write, entity: Item, action: update, where: { code: "input.code" }, set: { quantity: "nodes.load.quantity + 1" } }
    - { id: tx, type: transaction, nodes: [load, save] }
  edges:
    - { from: load, to: save }
`;
    const sources = [
      { file: "item.yaml", text: entity(true) },
      { file: "restock.yaml", text: restock },
    ];
    const studio = new StudioCheck(sources);
    const before = studio.assessment("restock")!.compiled.plan.concurrency.strategy;
    const named = studio.update([{ file: "item.yaml", text: entity(false) }]);
    expect([...named.tools]).toEqual(["restock"]);
    const after = studio.assessment("restock")!.compiled.plan.concurrency.strategy;
    expect(after).not.toBe(before);
    const fresh = freshCheck([{ file: "item.yaml", text: entity(false) }, sources[1]!]);
    expect(verdictOf(studio.assessment("restock"))).toEqual(verdictOf(fresh.verdicts.get("restock")));
  });
});
