/**
 * Property tests of the loader (fast-check; a failure prints the seed and the shrunk counterexample):
 * (a) random valid spec sets load cleanly, from objects, YAML and JSON, and survive
 *     load → serialize → load unchanged;
 * (b) random damage to them never makes the loader throw: it returns well-formed diagnostics, and
 *     some when the damage certainly broke the specs.
 * PROPERTY_RUNS=5000 npx jest test/loader/property.test.ts runs each property longer than the default;
 * PROPERTY_SEED=<seed> replays a failure.
 */
import fc from "fast-check";
import { inspect, isDeepStrictEqual } from "node:util";
import { stringify } from "yaml";
import { DIAGNOSTIC_CODES } from "../../loader/diagnostic-codes";
import { formatDiagnostic, type Diagnostic } from "../../loader/diagnostics";
import { loadSpecObjects, loadSpecSources, type LoadResult, type SpecSource } from "../../loader/load";
import type { SpecSet } from "../../loader/model";
import { serializeSpec, serializeSpecs } from "../../loader/serialize";
import { Choices } from "./support/choices";
import { mutate } from "./support/mutations";
import { allDocuments, validSpecSet, type GeneratedSpecs } from "./support/valid-specs";

/** PROPERTY_RUNS runs longer; PROPERTY_SEED replays the seed a failure printed. */
const options = (usual: number) => ({
  numRuns: Number(process.env.PROPERTY_RUNS ?? usual),
  ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}),
});

/**
 * A failing spec set can take ten minutes to shrink fully (every step reloads it); a capped shrink
 * still ends small, and the failure message names the exact place.
 */
const shrinkable = <T>(arbitrary: fc.Arbitrary<T>) => fc.limitShrink(arbitrary, 50);

/** Plain data of a loaded set, by kind and name, for deep comparison. */
function plain(specs: SpecSet) {
  const table = <T>(map: ReadonlyMap<string, { spec: T }>) => Object.fromEntries([...map].map(([name, entry]) => [name, entry.spec]));
  return { entities: table(specs.entities), policies: table(specs.policies), tools: table(specs.tools) };
}

function generated(set: GeneratedSpecs) {
  const table = <T extends { name: string }>(list: T[]) => Object.fromEntries(list.map((spec) => [spec.name, spec]));
  return { entities: table(set.entities), policies: table(set.policies), tools: table(set.tools) };
}

/**
 * Node's deep-strict equality (prototypes, -0, undefined members); Jest's toStrictEqual would also
 * compare `.constructor`, an ordinary key in specs (a tool or field named `constructor`). The
 * failure names the first difference: a full diff of two spec sets costs seconds per shrink step.
 */
function expectSame(actual: unknown, expected: unknown): void {
  if (isDeepStrictEqual(actual, expected)) return;
  throw new Error(`specs differ at ${firstDifference(actual, expected, "")}`);
}

function firstDifference(a: unknown, b: unknown, path: string): string {
  if (a && b && typeof a === "object" && typeof b === "object") {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const [x, y] = [(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]];
      if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}.${key}`);
    }
    return `${path || "(root)"}: same keys, different prototypes or key sets`;
  }
  return `${path || "(root)"}: ${inspect(a)} vs ${inspect(b)}`;
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
    // JSON has no -0; such a document can only travel as YAML.
    const jsonSafe = isDeepStrictEqual(JSON.parse(JSON.stringify(doc)), doc);
    if (jsonSafe && c.chance(20)) files.push({ file: `specs/doc${files.length}.json`, text: JSON.stringify(doc, null, c.pick([0, 2])) });
    else c.pick(yamlFiles).push(serializeSpec(doc));
  }
  yamlFiles.forEach((docs, i) => {
    if (docs.length)
      files.push({ file: `specs/part${i}.yaml`, text: (c.chance(30) ? "---\n" : "") + docs.join(c.pick(["---\n", "\n---\n\n"])) });
  });
  return files;
}

describe("valid spec sets (property)", () => {
  it("load with no diagnostics and survive load → serialize → load unchanged", () => {
    fc.assert(
      fc.property(shrinkable(validSpecSet), shrinkable(fc.gen()), (set, g) => {
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
      options(150),
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
      expect(Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.col) && d.col >= 1 ? "position" : `bad position: ${shown}`).toBe(
        "position",
      );
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
      fc.property(shrinkable(validSpecSet), shrinkable(fc.gen()), (set, g) => {
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
          if (mutation.mustFail)
            expect(result.diagnostics.length > 0 ? "invalid" : `no diagnostic after: ${mutation.label}`).toBe("invalid");
        }
      }),
      options(400),
    );
  });
});

/** YAML text of any value the mutations produce (serializeSpec wants a valid spec). */
function serializeAny(value: unknown): string {
  return stringify(value, { lineWidth: 0 }) ?? "";
}
