import { readFileSync } from "node:fs";
import { DIAGNOSTIC_CODES } from "../../loader/diagnostic-codes";

// The catalogue in code and the table users read must say the same thing.
describe("diagnostic catalogue", () => {
  const rows = readFileSync("docs/spec-errors.md", "utf8")
    .split("\n")
    .map((line) => /^\| (FS\d{3}) \| (.+?) \| .+ \|$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2]] as const);

  it("documents every code with its title, in order", () => {
    expect(rows).toEqual(Object.entries(DIAGNOSTIC_CODES));
  });

  it("numbers codes without gaps, so a retired code stays visible", () => {
    Object.keys(DIAGNOSTIC_CODES).forEach((code, i) => expect(code).toBe(`FS${String(i + 1).padStart(3, "0")}`));
  });
});
