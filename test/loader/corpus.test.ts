/**
 * The broken-spec corpus: every folder under test/loader/corpus/ is a small spec directory with one
 * kind of mistake (or several, where the point is that all are reported), and an `expect.txt`
 * listing exactly the diagnostics the loader must give, in order:
 *
 *   <file>:<line>:<col> <code> [@<token>] <message substring>
 *
 * `@token` (optional) is the source text that must start at line:col, so a column that drifts
 * is caught even when the message still matches. The substring is matched against the message
 * followed by ` (expected ...)` when the diagnostic has an expected form. Lines starting with
 * `#` describe the case.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { DIAGNOSTIC_CODES } from "../../loader/diagnostic-codes";
import { sortDiagnostics, type Diagnostic } from "../../loader/diagnostics";
import { loadSpecDir, loadSpecSources } from "../../loader/load";
import { findSpecFiles } from "../../loader/source/spec-files";

const CORPUS = join(__dirname, "corpus");

interface Expected {
  file: string;
  line: number;
  col: number;
  code: string;
  token?: string;
  text: string;
}

function readExpectations(dir: string): Expected[] {
  const lines = readFileSync(join(dir, "expect.txt"), "utf8").split("\n");
  return lines
    .map((line, i) => ({ line: line.trimEnd(), number: i + 1 }))
    .filter(({ line }) => line !== "" && !line.startsWith("#"))
    .map(({ line, number }) => {
      const m = /^(\S+):(\d+):(\d+) (FS\d{3})(?: @(\S+))? (.+)$/.exec(line);
      if (!m) throw new Error(`${dir}/expect.txt:${number}: cannot parse "${line}"`);
      return { file: m[1]!, line: Number(m[2]), col: Number(m[3]), code: m[4]!, ...(m[5] ? { token: m[5] } : {}), text: m[6]! };
    });
}

const shown = (d: Diagnostic) => `${d.message}${d.expected ? ` (expected ${d.expected})` : ""}`;
const caseFile = (dir: string, file: string) => relative(dir, file).split(sep).join("/");

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe("broken-spec corpus", () => {
  it("has at least 45 cases, each with expectations", () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    for (const name of cases) expect([name, readExpectations(join(CORPUS, name)).length > 0]).toEqual([name, true]);
  });

  it("produces every diagnostic code somewhere", () => {
    const produced = new Set(cases.flatMap((name) => readExpectations(join(CORPUS, name)).map((e) => e.code)));
    expect(Object.keys(DIAGNOSTIC_CODES).filter((code) => !produced.has(code))).toEqual([]);
  });

  describe.each(cases)("%s", (name) => {
    const dir = join(CORPUS, name);
    const expected = readExpectations(dir);
    const result = loadSpecDir(dir);

    it("reports exactly the expected diagnostics, in order", () => {
      // A message citing another place (FS007) names it by its path; expectations use the case's own.
      const prefix = `${relative(process.cwd(), dir).split(sep).join("/")}/`;
      const actual = result.diagnostics.map((d) => ({
        at: `${caseFile(dir, d.file)}:${d.line}:${d.col}`,
        code: d.code,
        message: shown(d).split(prefix).join(""),
      }));
      const wanted = expected.map((e) => ({ at: `${e.file}:${e.line}:${e.col}`, code: e.code, message: expect.stringContaining(e.text) }));
      expect(actual).toEqual(wanted);
      expect(result.ok).toBe(false);
    });

    it("points each diagnostic at the text it names", () => {
      for (const e of expected.filter((x) => x.token !== undefined)) {
        const source = readFileSync(join(dir, e.file), "utf8").split("\n")[e.line - 1] ?? "";
        expect(`${e.file}:${e.line}:${e.col} ${source.slice(e.col - 1, e.col - 1 + e.token!.length)}`).toBe(
          `${e.file}:${e.line}:${e.col} ${e.token}`,
        );
      }
    });

    it("lists its expectations sorted by file, line and column", () => {
      const keys = expected.map((e) => [e.file, e.line, e.col] as const);
      const sorted = [...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2]));
      expect(keys).toEqual(sorted);
      expect(result.diagnostics).toEqual(sortDiagnostics(result.diagnostics));
    });
  });

  // The in-memory entry point (editors, the Pulumi components) must agree with the directory one.
  const readable = cases.filter((name) => !readExpectations(join(CORPUS, name)).some((e) => e.code === "FS001"));
  it.each(readable)("%s: loadSpecSources gives the same diagnostics as loadSpecDir", (name) => {
    const dir = join(CORPUS, name);
    const sources = findSpecFiles(dir).map((file) => ({ file: caseFile(dir, file), text: readFileSync(file, "utf8") }));
    const fromSources = loadSpecSources(sources).diagnostics;
    // Messages that cite another place (FS007) name it by the path they were given.
    const prefix = `${relative(process.cwd(), dir).split(sep).join("/")}/`;
    const fromDir = loadSpecDir(dir).diagnostics.map((d) => ({
      ...d,
      file: caseFile(dir, d.file),
      message: d.message.split(prefix).join(""),
    }));
    expect(fromSources).toEqual(fromDir);
  });
});
