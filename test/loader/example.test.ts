import { loadSpecDir } from "../../loader/load";
import { formatDiagnostic } from "../../loader/diagnostics";
import { NODE_TYPES } from "../../language/nodes";
import { EXAMPLE_TOOLS } from "../support/example-names";

describe("examples/reservations", () => {
  const result = loadSpecDir("examples/reservations");

  it("validates cleanly", () => {
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("has the entities, tools and policies the later issues deploy", () => {
    expect([...result.specs.entities.keys()].sort()).toEqual(["Customer", "Reservation", "Room"]);
    expect([...result.specs.tools.keys()].sort()).toEqual([...EXAMPLE_TOOLS]);
  });

  it("covers every node type between its tools", () => {
    const used = new Set([...result.specs.tools.values()].flatMap((t) => t.spec.flow.nodes.map((n) => n.type)));
    expect([...used].sort()).toEqual([...NODE_TYPES].sort());
  });
});
