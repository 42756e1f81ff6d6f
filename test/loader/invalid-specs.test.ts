/**
 * One error for specs that do not load: every stage that needs valid specs (the components,
 * `fascia build`, `fascia dev`, the executor reading its manifest) refuses them with the loader's
 * InvalidSpecsError, carrying the loader's own diagnostics and one message format.
 */
import { compileApp } from "../../build/compile-app";
import { specsFromDir } from "../../components/spec-input";
import { startDevApp } from "../../dev/dev-app";
import { prepareApp } from "../../executor/app/runtime-app";
import { formatDiagnostic } from "../../loader/diagnostics";
import { InvalidSpecsError } from "../../loader/invalid-specs";
import { loadSpecDir } from "../../loader/load";

const ONE = "test/loader/corpus/fs018-cycle";
const SEVERAL = "test/loader/corpus/cel-unknown-variable";

function refusal(run: () => unknown): InvalidSpecsError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidSpecsError) return error;
    throw error;
  }
  throw new Error("the specs were accepted");
}

describe("InvalidSpecsError", () => {
  it("says where, how many, and every diagnostic on its own indented line", () => {
    const { diagnostics } = loadSpecDir(SEVERAL);
    expect(diagnostics.length).toBeGreaterThan(1);
    expect(new InvalidSpecsError("specs/", diagnostics).message).toBe(
      [`specs/ has ${diagnostics.length} spec errors:`, ...diagnostics.map((d) => `  ${formatDiagnostic(d)}`)].join("\n"),
    );
    expect(new InvalidSpecsError("specs/", loadSpecDir(ONE).diagnostics).message).toMatch(
      /^specs\/ has 1 spec error:\n {2}test\/loader\/corpus\/fs018-cycle\/tool\.yaml:13:7: error FS018: /,
    );
  });

  it("is what fascia build and the components throw, with the loader's diagnostics", () => {
    const expected = loadSpecDir(SEVERAL).diagnostics;
    const built = refusal(() => compileApp(SEVERAL));
    expect(built.diagnostics).toEqual(expected);
    expect(built.message.startsWith(`${SEVERAL} has ${expected.length} spec errors:\n`)).toBe(true);
    const component = refusal(() => specsFromDir(SEVERAL));
    expect(component.diagnostics).toEqual(expected);
    expect(component.source).toBe(`spec directory ${SEVERAL}`);
  });

  it("is what fascia dev throws, before it starts anything", async () => {
    await expect(startDevApp({ dir: ONE, port: 0, cron: false })).rejects.toEqual(new InvalidSpecsError(ONE, loadSpecDir(ONE).diagnostics));
  });

  it("is what the executor throws for a manifest whose specs no longer check", () => {
    const manifest = compileApp("examples/reservations");
    const tools = manifest.specs.tools.map((t, i) =>
      i === 0 ? { ...t, flow: { ...t.flow, nodes: [...t.flow.nodes, { id: "lost", type: "read", entity: "Nowhere", where: {} }] } } : t,
    );
    const error = refusal(() => prepareApp({ ...manifest, specs: { ...manifest.specs, tools } }));
    expect(error.source).toBe("the app manifest of examples/reservations");
    expect(error.diagnostics.map((d) => d.code)).toContain("FS009");
  });
});
