/**
 * The executor's error catalogue, the table users read (docs/executor.md, "Errors") and the code
 * that raises the errors must say the same thing: every code documented with its status and step,
 * in catalogue order, and no code raised or sent by hand that the catalogue does not know.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EXECUTOR_ERRORS } from "../../executor/errors/catalogue";

/** The docs write "—" for step 0 (no one step of the contract). */
const docStep = (cell: string) => (cell === "—" ? 0 : Number(cell));

function documented(): [string, { status: number; step: number }][] {
  const doc = readFileSync("docs/executor.md", "utf8");
  const section = doc.slice(doc.indexOf("\n## Errors\n"), doc.indexOf("\n## ", doc.indexOf("\n## Errors\n") + 1));
  return section
    .split("\n")
    .map((line) => /^\| `([A-Z][A-Z0-9_]*)` \| (\d{3}) \| (\d|—) \| .+ \| .+ \|$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, { status: Number(m[2]), step: docStep(m[3]!) }]);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/**
 * Codes written as literals where an error is made or sent: `ToolError.of("X"`, `code: "X"`,
 * `code === "X"`. Types catch most misspellings already (`of` takes the catalogue's keys only);
 * this also sees an error body written by hand, where nothing is typed.
 */
const CODE_LITERAL = /(?:ToolError\.of\(|\bcode\s*(?::|===|!==)\s*)"([A-Z][A-Z0-9_]*)"/g;

// Where executor errors are raised or answered: the executor itself and `fascia dev` around it.
const RAISED = [...sources("executor"), ...sources("dev")].flatMap((file) =>
  [...readFileSync(file, "utf8").matchAll(CODE_LITERAL)].map((m) => ({ file, code: m[1]! })),
);

// Codes of other vocabularies compared in the same files, named one by one so that a misspelt
// executor code cannot pass for one of them: fastify's body limit and parameter length, Node's module and socket errors.
const FOREIGN = new Set([
  "FST_ERR_CTP_BODY_TOO_LARGE",
  "FST_ERR_MAX_PARAM_LENGTH",
  "MODULE_NOT_FOUND",
  "ETIMEDOUT",
  "ECONNRESET",
  // The file system's, as the directory witness meets them (executor/audit/directory-witness.ts).
  "EEXIST",
  "ENOENT",
  "EPERM",
  "ENOTSUP",
  "ENOSYS",
]);

describe("executor error catalogue", () => {
  it("documents every code with its status and step, in order", () => {
    const catalogue = Object.entries(EXECUTOR_ERRORS).map(([code, e]) => [code, { status: e.status, step: e.step }]);
    expect(documented()).toEqual(catalogue);
  });

  it("is what the code raises: every literal code is in the catalogue", () => {
    const unknown = RAISED.filter((r) => !Object.hasOwn(EXECUTOR_ERRORS, r.code) && !FOREIGN.has(r.code));
    expect(unknown).toEqual([]);
  });

  it("lists no code that nothing raises", () => {
    const raised = new Set(RAISED.map((r) => r.code));
    expect(Object.keys(EXECUTOR_ERRORS).filter((code) => !raised.has(code))).toEqual([]);
  });
});
