/**
 * Property tests of the loader (fast-check; a failure prints the seed and the shrunk counterexample):
 * (a) random valid spec sets load cleanly, from objects, YAML and JSON, and survive
 *     load → serialize → load unchanged;
 * (b) random damage to them never makes the loader throw: it returns well-formed diagnostics, and
 *     some when the damage certainly broke the specs.
 * PROPERTY_RUNS=5000 npx jest test/spec/property.test.ts runs each property longer than the default.
 */
import fc from "fast-check";
import { inspect, isDeepStrictEqual } from "node:util";
import { stringify } from "yaml";
import { DIAGNOSTIC_CODES } from "../../spec/diagnostic-codes";
import { formatDiagnostic, type Diagnostic } from "../../spec/diagnostics";
import { loadSpecObjects, loadSpecSources, type LoadResult, type SpecSource } from "../../spec/load";
import type { SpecSet } from "../../spec/model";
import { serializeSpec, serializeSpecs } from "../../spec/serialize";
import { Choices } from "./support/choices";
import { mutate } from "./support/mutations";
import { allDocuments, validSpecSet, type GeneratedSpecs } from "./support/valid-specs";

const runs = (usual: number) => Number(process.env.PROPERTY_RUNS ?? usual);

/** Plain data of a loaded set, by kind and name, for deep comparison. */
function plain(specs: SpecSet) {
  const table = <T>(map: ReadonlyMap<string, { spec: T }>) => Object.fromEntries([...map].map(([name, entry]) => [name, entry.spec]));
  return { entities: table(specs.entities), policies: table(specs.policies), tools: table(specs.tools) };
}

function generated(set: GeneratedSpecs) {
  const table = <T extends { name: string }>(list: T[]) => Object.fromEntries(list.map((spec) => [spec.name, spec]));
  return { entities: table(set.entities), policies: table(set.policies), tools: table(set.tools) };
}

/** Node's deep-strict equality (prototypes, -0, undefined members); Jest's toStrictEqual would also
 * compare `.constructor`, which is an ordinary key in specs (a tool or field named `constructor`). */
function expectSame(actual: unknown, expected: unknown): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect(actual).toEqual(expected); // shows the difference when there is a visible one
  throw new Error(`not deep-strictly equal (a difference toEqual ignores: -0, undefined members, prototypes):\n${inspect(actual, { depth: 8 })}\n${inspect(expected, { depth: 8 })}`);
}

function expectClean(result: LoadResult): void {
  expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(result.ok).toBe(true);
}

/** The documents spread over files: several YAML files of `---`-separated documents, and JSON files of one each. */
function asFiles(c: Choices, set: GeneratedSpecs): SpecSource[] {
  const yamlFiles: string[][] = [[], [], []];
  const files: SpecSource[] = [];
  for (const doc of c.shuffle(allDocuments(set))) {
    if (c.chance(20)) files.push({ file: `specs/doc${files.length}.json`, text: JSON.stringify(doc, null, c.pick([0, 2])) });
    else c.pick(yamlFiles).push(serializeSpec(doc));
  }
  yamlFiles.forEach((docs, i) => {
    if (docs.length) files.push({ file: `specs/part${i}.yaml`, text: (c.chance(30) ? "---\n" : "") + docs.join(c.pick(["---\n", "\n---\n\n"])) });
  });
  return files;
}

describe("valid spec sets (property)", () => {
  it("load with no diagnostics and survive load → serialize → load unchanged", () => {
    fc.assert(
      fc.property(validSpecSet, fc.gen(), (set, g) => {
        const fromObjects = loadSpecObjects(allDocuments(set));
        expectClean(fromObjects);
        expectSame(plain(fromObjects.specs), generated(set));

        const fromFiles = loadSpecSources(asFiles(new Choices(g), set));
        expectClean(fromFiles);
        expectSame(plain(fromFiles.specs), plain(fromObjects.specs));

        const text = serializeSpecs(fromFiles.specs);
        const reloaded = loadSpecSources([{ file: "all.yaml", text }]);
        expectClean(reloaded);
        expectSame(plain(reloaded.specs), plain(fromObjects.specs));
        expect(serializeSpecs(reloaded.specs)).toBe(text);
      }),
      { numRuns: runs(150) },
    );
  });
});

describe("damaged spec sets (property)", () => {
  const codes = new Set(Object.keys(DIAGNOSTIC_CODES));

  function expectWellFormed(result: LoadResult, files: ReadonlyMap<string, string | undefined>): void {
    expect(Array.isArray(result.diagnostics)).toBe(true);
    expect(result.ok).toBe(result.diagnostics.length === 0);
    for (const d of result.diagnostics as Diagnostic[]) {
      const shown = formatDiagnostic(d);
      expect(codes.has(d.code) ? "known code" : `unknown code in ${shown}`).toBe("known code");
      expect(typeof d.message === "string" && d.message.length > 0 ? "message" : `empty message: ${shown}`).toBe("message");
      expect(Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.col) && d.col >= 1 ? "position" : `bad position: ${shown}`).toBe("position");
      const known = [...files.keys()].find((f) => d.file === f || d.file.startsWith(`${f} (`));
      expect(known ? "file" : `unknown file: ${shown}`).toBe("file");
      const text = files.get(known!);
      if (text !== undefined) {
        const lines = text.split(/\r\n|\r|\n/).length;
        expect(d.line <= lines + 1 ? "line in file" : `line beyond the file's ${lines}: ${shown}`).toBe("line in file");
      }
    }
  }

  it("never make the loader throw: it returns diagnostics, and some when the damage broke the specs", () => {
    fc.assert(
      fc.property(validSpecSet, fc.gen(), (set, g) => {
        const mutation = mutate(new Choices(g), allDocuments(set));
        const results: [LoadResult, Map<string, string | undefined>][] = [];
        if (mutation.form === "objects") {
          results.push([loadSpecObjects(mutation.documents, "<mutated>"), new Map([["<mutated>", undefined]])]);
          // The same damage as YAML text (values YAML cannot hold, like undefined, drop out).
          const text = mutation.documents.map((d) => serializeAny(d)).join("---\n");
          results.push([loadSpecSources([{ file: "mutated.yaml", text }]), new Map([["mutated.yaml", text]])]);
        } else {
          results.push([loadSpecSources([{ file: "mutated.yaml", text: mutation.text }]), new Map([["mutated.yaml", mutation.text]])]);
        }
        for (const [result, files] of results) {
          expectWellFormed(result, files);
          if (mutation.mustFail) expect(result.diagnostics.length > 0 ? "invalid" : `no diagnostic after: ${mutation.label}`).toBe("invalid");
        }
      }),
      { numRuns: runs(400) },
    );
  });
});

/** YAML text of any value the mutations produce (serializeSpec wants a valid spec). */
function serializeAny(value: unknown): string {
  return stringify(value, { lineWidth: 0 }) ?? "";
}
