/**
 * The trace recorder on its own (executor/audit/flow-trace.ts): what the integration tests
 * (audit-trace.test.ts) cannot reach through the example — a write over more rows than listed,
 * a node whose last run was skipped, the final transaction still open when its record is made.
 */
import { MAX_TRACED_ROWS, TraceRecorder } from "../../executor/audit/flow-trace";

describe("the trace recorder", () => {
  it("lists at most MAX_TRACED_ROWS row ids of a write and counts them all in wn", () => {
    const trace = new TraceRecorder(Date.now());
    const run = trace.nodeStarted("closeAll");
    trace.wrote(
      "closeAll",
      Array.from({ length: MAX_TRACED_ROWS + 5 }, (_, i) => ({ id: `r${i}`, secretColumn: "never traced" })),
    );
    trace.nodeEnded(run);
    const [node] = trace.toTrace(["closeAll"], []).n;
    expect(node!.w).toHaveLength(MAX_TRACED_ROWS);
    expect(node!.w![0]).toBe("r0");
    expect(node!.wn).toBe(MAX_TRACED_ROWS + 5);
    expect(JSON.stringify(node)).not.toContain("never traced");
  });

  it("a node's state is its last run's; runs count as attempts; an open transaction is the committing final one", () => {
    const trace = new TraceRecorder(Date.now());
    trace.began("tx");
    const first = trace.nodeStarted("a");
    trace.nodeEnded(first, { code: "CONFLICT" });
    trace.ended("rollback");
    trace.began("tx");
    const second = trace.nodeStarted("a");
    trace.nodeEnded(second);
    trace.skipped("b");
    const result = trace.toTrace(["a", "b", "c"], []);
    expect(result.n).toEqual([
      { id: "a", s: "ran", t: expect.any(Number), d: expect.any(Number), a: 2 },
      { id: "b", s: "skipped" },
      { id: "c", s: "unreached" },
    ]);
    expect(result.x!.map((x) => x.e)).toEqual(["rollback", "commit"]);
  });
});
