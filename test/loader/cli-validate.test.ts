/**
 * `fascia validate` as a user runs it: in-process through runCli with captured output, and once
 * through the built bin in a child process (the published entry point).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import { loadSpecDir } from "../../loader/load";

const BROKEN = "test/loader/corpus/many-errors-sorted";
const DIAGNOSTIC_LINE = /^(\S+):(\d+):(\d+): error (FS\d{3}): .+$/;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false };
  const code = await runCli(argv, io);
  return { code, out: out.join(""), err: err.join("\n") };
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

describe("fascia validate (in process)", () => {
  it("exits 0 on the example app and says what it found", async () => {
    const result = await run("validate", "examples/reservations");
    expect(result).toEqual({
      code: 0,
      out: expect.stringMatching(/^examples\/reservations: valid \(3 entities, 8 tools, 2 policies\)/),
      err: "",
    });
  });

  it("exits 1 on a broken spec directory with one file:line:col line per problem, sorted", async () => {
    const result = await run("validate", BROKEN);
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    const errLines = lines(result.err);
    const expected = loadSpecDir(BROKEN).diagnostics;
    expect(expected.length).toBe(8);
    expect(errLines).toHaveLength(expected.length + 1);
    expect(errLines.at(-1)).toBe(`8 errors in ${BROKEN}`);
    const parsed = errLines.slice(0, -1).map((line) => DIAGNOSTIC_LINE.exec(line));
    expect(parsed.every((m) => m !== null)).toBe(true);
    expect(parsed.map((m) => `${m![1]}:${m![2]}:${m![3]} ${m![4]}`)).toEqual(expected.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`));
    expect(errLines).toContain(
      `${BROKEN}/b-entities.yaml:4:27: error FS004: fields.number.maxLenght: unknown key "maxLenght"; did you mean "maxLength"? (expected one of "type", "optional", "pii", "description", "unique", "immutable", "renamedFrom", "default", "minLength", "maxLength", "pattern", "format")`,
    );
    expect(errLines[0]).toMatch(
      /^test\/loader\/corpus\/many-errors-sorted\/a-tools\.yaml:4:31: error FS022: path parameter "\{roomId\}" is not an input field/,
    );
  });

  it("also validates a single spec file", async () => {
    const result = await run("validate", `${BROKEN}/b-entities.yaml`);
    expect(result.code).toBe(1);
    expect(lines(result.err).map((l) => DIAGNOSTIC_LINE.exec(l)?.[4] ?? l)).toEqual([
      "FS004",
      "FS006",
      `2 errors in ${BROKEN}/b-entities.yaml`,
    ]);
  });

  it("--json prints every diagnostic with its position for tools", async () => {
    const result = await run("validate", "--json", BROKEN);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as {
      valid: boolean;
      entities: number;
      tools: number;
      policies: number;
      diagnostics: Record<string, unknown>[];
    };
    expect(report.valid).toBe(false);
    expect([report.entities, report.tools, report.policies]).toEqual([1, 1, 0]);
    expect(report.diagnostics).toHaveLength(8);
    expect(report.diagnostics[0]).toEqual({
      file: `${BROKEN}/a-tools.yaml`,
      line: 4,
      col: 31,
      code: "FS022",
      message: 'path parameter "{roomId}" is not an input field',
      expected: "input: { roomId: { type: uuid } }",
    });
    expect(report.diagnostics.map((d) => d.code)).toEqual(["FS022", "FS009", "FS024", "FS024", "FS030", "FS024", "FS004", "FS006"]);
  });

  it("--json on a valid directory says valid and lists nothing", async () => {
    const result = await run("validate", "examples/reservations", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ valid: true, entities: 3, tools: 8, policies: 2, diagnostics: [] });
  });

  it("exits 2 when the directory does not exist", async () => {
    const result = await run("validate", "no/such/dir");
    expect(result.code).toBe(2);
    expect(result.err).toContain("no/such/dir does not exist");
  });

  it("exits 2 on an unknown option or a missing argument", async () => {
    const unknown = await run("validate", "examples/reservations", "--jsn");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown option '--jsn'");
    const missing = await run("validate");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("missing required argument 'dir'");
  });

  it("has --help for the program and for validate", async () => {
    const program = await run("--help");
    expect(program.code).toBe(0);
    expect(program.out).toContain("Usage: fascia");
    expect(program.out).toMatch(/validate .*<dir>/);
    const validate = await run("validate", "--help");
    expect(validate.code).toBe(0);
    expect(validate.out).toContain("Usage: fascia validate");
    expect(validate.out).toContain("--json");
  });
});

describe("fascia validate (the built bin)", () => {
  // The bin runs dist/; build it when it is missing or older than the sources it comes from.
  beforeAll(() => {
    if (!existsSync("dist/cli/main.js") || newestSource(["language", "loader", "cli"]) > statSync("dist/cli/main.js").mtimeMs) {
      const build = spawnSync("npm", ["run", "build"], { encoding: "utf8", shell: process.platform === "win32" });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    }
  }, 120_000);

  it("exits 1 and prints file:line:col diagnostics on stderr", () => {
    const child = spawnSync(process.execPath, ["bin/fascia.js", "validate", `${BROKEN}/b-entities.yaml`], { encoding: "utf8" });
    expect(child.status).toBe(1);
    expect(child.stdout).toBe("");
    expect(lines(child.stderr)).toEqual([
      expect.stringMatching(/^test\/loader\/corpus\/many-errors-sorted\/b-entities\.yaml:4:27: error FS004: .*did you mean "maxLength"\?/),
      expect.stringMatching(/^test\/loader\/corpus\/many-errors-sorted\/b-entities\.yaml:5:21: error FS006: .*did you mean "integer"\?/),
      `2 errors in ${BROKEN}/b-entities.yaml`,
    ]);
  });

  it("ends with its own exit code when its reader closes the pipe first (`fascia … | head`), not an unhandled EPIPE", async () => {
    const child = spawn(process.execPath, ["bin/fascia.js", "validate", "examples/reservations"], { stdio: ["ignore", "pipe", "pipe"] });
    // Closed before the CLI has loaded: every line it prints meets a pipe with no reader.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
  });
});

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}
