/**
 * Diagnostics kept per file come out as the one-shot loader orders them: by file and position,
 * and, where two tie (same place and message), in the order the loader's work made them.
 */
import { DiagnosticBuckets, type DiagnosticUnit } from "../../loader/diagnostic-buckets";
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic } from "../../loader/diagnostics";

const at = (file: string, line: number, code: Diagnostic["code"], message = "same message"): Diagnostic => ({
  file,
  line,
  col: 1,
  code,
  message,
});

describe("DiagnosticBuckets", () => {
  it("orders ties by the rank of their units, whatever order the units came in", () => {
    const first: DiagnosticUnit = { rank: [1, 0, 0], diagnostics: [] };
    const second: DiagnosticUnit = { rank: [2, 1, 0], diagnostics: [] };
    const third: DiagnosticUnit = { rank: [4, 0, 2], diagnostics: [] };
    const lists = new Map<DiagnosticUnit, Diagnostic[]>([
      [first, [at("b.yaml", 3, "FS007"), at("b.yaml", 1, "FS002"), at("a.yaml", 1, "FS009")]],
      [second, [at("b.yaml", 3, "FS010"), at("a.yaml", 1, "FS010", "another message")]],
      [third, [at("b.yaml", 3, "FS009"), at("a.yaml", 1, "FS009")]],
    ]);
    const buckets = new DiagnosticBuckets();
    // Neither this order nor its reverse is the ranks' order.
    for (const unit of [second, first, third]) buckets.set(unit, lists.get(unit)!);
    expect([...buckets.flush()].sort()).toEqual(["a.yaml", "b.yaml"]);
    expect(buckets.list()).toEqual(sortDiagnostics(dedupeDiagnostics([...lists.values()].flat())));
    expect(buckets.list().map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([
      "a.yaml:1 FS010",
      "a.yaml:1 FS009",
      "b.yaml:1 FS002",
      "b.yaml:3 FS007",
      "b.yaml:3 FS010",
      "b.yaml:3 FS009",
    ]);
  });

  it("re-sorts only the files a unit's change touched, and drops emptied files", () => {
    const unit: DiagnosticUnit = { rank: [0, 0, 0], diagnostics: [] };
    const buckets = new DiagnosticBuckets();
    buckets.set(unit, [at("a.yaml", 1, "FS002")]);
    buckets.flush();
    expect(buckets.set(unit, [at("a.yaml", 1, "FS002")])).toBe(false);
    expect(buckets.flush().size).toBe(0);
    buckets.set(unit, [at("c.yaml", 2, "FS002")]);
    expect([...buckets.flush()].sort()).toEqual(["a.yaml", "c.yaml"]);
    expect(buckets.in("a.yaml")).toEqual([]);
    expect(buckets.list()).toEqual([at("c.yaml", 2, "FS002")]);
  });
});
