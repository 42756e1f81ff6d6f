/**
 * The incremental loader's dependency cases: what an edit checks again, and that the result is
 * loadSpecSources' for the same texts each time (test/studio/check.test.ts explores random edits).
 */
import { isDeepStrictEqual } from "node:util";
import { loadSpecSources, type SpecSource } from "../../loader/load";
import { Workspace, type FileChange } from "../../loader/workspace";

const ROOM = `kind: Entity
name: Room
fields:
  number: { type: string, unique: true }
  capacity: { type: integer }
relationships:
  stays: { kind: hasMany, entity: Stay }
`;
const STAY = `kind: Entity
name: Stay
fields:
  nights: { type: integer }
relationships:
  room: { kind: belongsTo, entity: Room }
`;
const GUEST = `kind: Entity
name: Guest
fields:
  email: { type: string }
`;
const POLICIES = `kind: Policy
name: isStaff
rule: "'staff' in caller.roles"
`;
const tool = (name: string, entity: string, path = `/${name}`) => `kind: Tool
name: ${name}
trigger:
  http: { method: POST, path: ${path} }
input:
  id: { type: uuid }
policies: [isStaff]
flow:
  nodes:
    - { id: load, type: read, entity: ${entity}, where: { id: "input.id" }, one: true }
`;

const APP: SpecSource[] = [
  { file: "entities/room.yaml", text: ROOM },
  { file: "entities/stay.yaml", text: STAY },
  { file: "entities/guest.yaml", text: GUEST },
  { file: "policies.yaml", text: POLICIES },
  { file: "tools/show-room.yaml", text: tool("showRoom", "Room") },
  { file: "tools/show-stay.yaml", text: tool("showStay", "Stay") },
  { file: "tools/show-guest.yaml", text: tool("showGuest", "Guest") },
];

/** A workspace over APP and the texts it holds, kept in step. */
function start(sources: readonly SpecSource[] = APP) {
  const texts = new Map(sources.map((s) => [s.file, s.text]));
  const workspace = new Workspace(sources);
  const apply = (changes: FileChange[]) => {
    for (const { file, text } of changes) {
      if (text === null) texts.delete(file);
      else texts.set(file, text);
    }
    const done = workspace.update(changes);
    expectLikeFresh(
      workspace,
      [...texts].map(([file, text]) => ({ file, text })),
    );
    return done;
  };
  expectLikeFresh(workspace, sources);
  return { workspace, apply };
}

function expectLikeFresh(workspace: Workspace, sources: readonly SpecSource[]): void {
  const fresh = loadSpecSources(sources);
  const mine = workspace.load();
  expect(mine.diagnostics).toEqual(fresh.diagnostics);
  expect(mine.ok).toBe(fresh.ok);
  for (const part of ["entities", "tools", "policies"] as const) {
    expect([...mine.specs[part].keys()]).toEqual([...fresh.specs[part].keys()]);
    for (const [name, { spec }] of fresh.specs[part]) expect(isDeepStrictEqual(mine.specs[part].get(name)?.spec, spec)).toBe(true);
  }
  expect([...mine.specs.invalidNames]).toEqual([...fresh.specs.invalidNames]);
}

const sorted = (set: ReadonlySet<string>) => [...set].sort();

describe("Workspace: what an edit checks again", () => {
  it("an edit to a tool checks that tool alone", () => {
    const { apply } = start();
    const done = apply([{ file: "tools/show-room.yaml", text: tool("showRoom", "Room").replace("one: true", "limit: 5") }]);
    expect(sorted(done.rechecked)).toEqual(["tool:showRoom"]);
  });

  it("an edit to an entity checks the tools that read it and the entities whose relationships name it", () => {
    const { apply } = start();
    const done = apply([{ file: "entities/room.yaml", text: ROOM.replace("capacity: { type: integer }", "beds: { type: integer }") }]);
    expect(sorted(done.rechecked)).toEqual(["entity:Room", "entity:Stay", "tool:showRoom"]);
  });

  it("an edit to a policy checks it and the tools that use it", () => {
    const { apply, workspace } = start();
    const done = apply([{ file: "policies.yaml", text: POLICIES.replace("caller.roles", "nodes.load.roles") }]);
    expect(sorted(done.rechecked)).toEqual(["policy:isStaff", "tool:showGuest", "tool:showRoom", "tool:showStay"]);
    // Each tool reports the policy's misuse in its own name.
    expect(workspace.load().diagnostics.map((d) => d.code)).toEqual(["FS027", "FS027", "FS027"]);
  });

  it("an unchanged text checks nothing", () => {
    const { apply } = start();
    const done = apply([{ file: "entities/room.yaml", text: ROOM }]);
    expect(done.rechecked.size + done.changed.size + done.files.size).toBe(0);
  });

  it("a renamed entity: the tools naming the old name now fail, and a suggestion follows the new names", () => {
    const { apply, workspace } = start();
    const done = apply([{ file: "entities/guest.yaml", text: GUEST.replace("name: Guest", "name: Guests") }]);
    expect(sorted(done.rechecked)).toEqual(["entity:Guest", "entity:Guests", "tool:showGuest"]);
    expect(workspace.diagnosticsIn("tools/show-guest.yaml").map((d) => d.message)).toEqual([
      'unknown entity "Guest"; did you mean "Guests"?',
    ]);
    // The failing tool looked at every entity name for its suggestion: a new entity checks it again.
    const next = apply([{ file: "entities/guest2.yaml", text: GUEST }]);
    expect(sorted(next.rechecked)).toEqual(["entity:Guest", "tool:showGuest"]);
    expect(workspace.diagnosticsIn("tools/show-guest.yaml")).toEqual([]);
  });

  it("an entity that stops validating silences the references to it, in other files", () => {
    const { apply, workspace } = start();
    const done = apply([{ file: "entities/guest.yaml", text: GUEST.replace("type: string", "type: strang") }]);
    expect(done.changed.has("invalid:Guest")).toBe(true);
    expect(workspace.diagnosticsIn("tools/show-guest.yaml")).toEqual([]);
    expect(workspace.diagnosticsIn("entities/guest.yaml").length).toBeGreaterThan(0);
  });

  it("a duplicate name: the first file wins; deleting it lets the other win and checks its dependents", () => {
    const { apply, workspace } = start();
    apply([{ file: "more/room.yaml", text: ROOM.replace("capacity: { type: integer }", "size: { type: integer }") }]);
    expect(workspace.diagnosticsIn("more/room.yaml").map((d) => d.code)).toEqual(["FS007"]);
    const done = apply([{ file: "entities/room.yaml", text: null }]);
    expect(sorted(done.rechecked)).toEqual(["entity:Room", "entity:Stay", "tool:showRoom"]);
    expect(workspace.diagnosticsIn("more/room.yaml")).toEqual([]);
  });

  it("route collisions are found across files and go when one tool moves", () => {
    const { apply, workspace } = start();
    apply([{ file: "tools/show-stay.yaml", text: tool("showStay", "Stay", "/showRoom") }]);
    expect(workspace.diagnosticsIn("tools/show-stay.yaml").map((d) => d.code)).toEqual(["FS033"]);
    const done = apply([{ file: "tools/show-room.yaml", text: tool("showRoom", "Room", "/rooms") }]);
    expect(done.files.has("tools/show-stay.yaml")).toBe(true);
    expect(workspace.load().ok).toBe(true);
  });

  it("files keep their place when changed; a new or re-added file comes last", () => {
    const { apply, workspace } = start();
    apply([{ file: "entities/room.yaml", text: null }]);
    apply([{ file: "entities/room.yaml", text: ROOM }]);
    expect([...workspace.load().specs.entities.keys()]).toEqual(["Stay", "Guest", "Room"]);
  });

  it("YAML errors and several documents per file", () => {
    const { apply, workspace } = start();
    apply([{ file: "entities/guest.yaml", text: `${GUEST}---\nkind: Entity\nname: Extra\nfields: { a: { type: string } }\n---\n: [\n` }]);
    expect(workspace.diagnosticsIn("entities/guest.yaml").map((d) => d.code)).toContain("FS002");
    apply([{ file: "entities/guest.yaml", text: `${GUEST}---\nkind: Entity\nname: Extra\nfields: { a: { type: string } }\n` }]);
    expect(workspace.specsIn("entities/guest.yaml")).toEqual([
      { kind: "Entity", name: "Guest" },
      { kind: "Entity", name: "Extra" },
    ]);
  });

  it("refuses a file given twice", () => {
    expect(() => new Workspace([APP[0]!, APP[0]!])).toThrow(/given twice/);
  });
});
