import { parseAllDocuments } from "yaml";
import { loadSpecDir, loadSpecSources } from "../../loader/load";
import { serializeSpec, serializeSpecs } from "../../loader/serialize";

describe("serializeSpecs", () => {
  const example = loadSpecDir("examples/reservations");
  const text = serializeSpecs(example.specs);
  const documents = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; name: string });

  it("writes entities, then policies, then tools, each sorted by name", () => {
    const sorted = (names: Iterable<string>) => [...names].sort((a, b) => (a < b ? -1 : 1));
    expect(documents.map((d) => `${d.kind} ${d.name}`)).toEqual([
      ...sorted(example.specs.entities.keys()).map((n) => `Entity ${n}`),
      ...sorted(example.specs.policies.keys()).map((n) => `Policy ${n}`),
      ...sorted(example.specs.tools.keys()).map((n) => `Tool ${n}`),
    ]);
    expect(documents.slice(0, 2).map((d) => d.name)).toEqual(["Customer", "Reservation"]);
  });

  it("reloads to the same specs", () => {
    const again = loadSpecSources([{ file: "all.yaml", text }]);
    expect(again.diagnostics).toEqual([]);
    for (const kind of ["entities", "tools", "policies"] as const) {
      const byName = (table: ReadonlyMap<string, { spec: unknown }>) => Object.fromEntries([...table].map(([name, e]) => [name, e.spec]));
      expect(byName(again.specs[kind])).toEqual(byName(example.specs[kind]));
    }
  });

  it("keeps each expression on one line and starts every node with id and type", () => {
    const confirm = example.specs.tools.get("confirmReservation")!.spec;
    const yaml = serializeSpec(confirm);
    expect(yaml).toContain(`output: "${confirm.output}"`);
    expect(yaml).toMatch(/- id: charge\n\s+type: payment\n/);
    expect(yaml).toContain("nodes: [ load, owner, mustBePending, charge, confirm ]");
  });

  it("keeps text with blank or space-only lines, even with a blank line added before the next ---", () => {
    for (const text of [" \n", "  \n", "\n \n\n", " \t\n", "SELECT 1\n  \n  FROM t\n", "\n", "a\n\n", "é\n\t\n"]) {
      const policy = { kind: "Policy" as const, name: "p", rule: "true", description: text };
      const other = { kind: "Policy" as const, name: "q", rule: "true" };
      const again = loadSpecSources([{ file: "p.yaml", text: `${serializeSpec(policy)}\n---\n${serializeSpec(other)}` }]);
      expect(again.specs.policies.get("p")?.spec.description).toBe(text);
    }
  });
});
