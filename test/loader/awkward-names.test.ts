/**
 * Names the property test found the loader tripping over: CEL type names and reserved words as
 * field names (cel-js refused them as variables and the loader threw), and JavaScript prototype
 * members (`valueOf in fields` was true for every entity).
 */
import { formatDiagnostic } from "../../loader/diagnostics";
import { loadSpecSources } from "../../loader/load";

const load = (text: string) => loadSpecSources([{ file: "specs.yaml", text }]).diagnostics.map(formatDiagnostic);

describe("awkward but legal names", () => {
  it("accepts fields named like CEL types and reserved words, and rules that use the other fields", () => {
    expect(
      load(`
kind: Entity
name: Thing
fields:
  type: { type: string }
  string: { type: string }
  int: { type: integer }
  prototype: { type: string }
  for: { type: integer }
  size: { type: integer }
  count: { type: integer }
invariants:
  - { name: positive, rule: "count >= 0 && size >= 0", message: "no negative counts" }
`),
    ).toEqual([]);
  });

  it("accepts relationships and fields named like Object.prototype members", () => {
    expect(
      load(`
kind: Entity
name: Thing
fields:
  constructor: { type: date }
  hasOwnProperty: { type: date }
relationships:
  valueOf: { kind: belongsTo, entity: Thing, optional: true }
  toString: { kind: belongsTo, entity: Thing, optional: true }
noOverlap:
  - { name: noClash, range: [constructor, hasOwnProperty] }
`),
    ).toEqual([]);
  });

  it("still reports a range bound or path parameter that only Object.prototype has", () => {
    expect(
      load(`
kind: Entity
name: Thing
fields:
  start: { type: date }
noOverlap:
  - { name: noClash, range: [start, toString] }
---
kind: Tool
name: getThing
trigger: { http: { method: GET, path: "/things/{constructor}" } }
flow: { nodes: [{ id: load, type: read, entity: Thing }] }
`),
    ).toEqual([
      'specs.yaml:7:37: error FS010: unknown field "toString" in Thing (expected a field or belongsTo relationship)',
      'specs.yaml:11:39: error FS022: path parameter "{constructor}" is not an input field (expected input: { constructor: { type: uuid } })',
    ]);
  });
});
