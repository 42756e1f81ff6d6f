/**
 * The Console's data logic, under Node: the live list's catch-up (records appended since its top,
 * following the keyset cursor when more than a page arrived), a trace as the canvas's overlay, and
 * metrics buckets on a regular grid for the charts.
 */
import type { FlowTrace, InvocationPage, InvocationSummary, ToolMetricsReport } from "../../studio/protocol";
import { toolSeries } from "../../studio/web/console/metricsSeries";
import { ms, traceOverlay } from "../../studio/web/console/trace";
import { newerThan, type ListState } from "../../studio/web/console/catchUp";

const record = (seq: number): InvocationSummary => ({
  seq,
  chain: 1,
  chainSeq: seq,
  invocationId: `inv-${seq}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  tool: "confirmReservation",
  kind: "invocation",
  trigger: "http",
  callerId: "c1",
  status: 200,
  durationMs: 5,
});

/** An executor holding records 1..head, answering pages of `size`, newest first, as the operator API does. */
function executor(head: number, size: number) {
  const reads: (string | undefined)[] = [];
  const read = async (cursor?: string): Promise<InvocationPage> => {
    reads.push(cursor);
    const below = cursor === undefined ? head + 1 : Number(cursor);
    const items: InvocationSummary[] = [];
    for (let seq = below - 1; seq >= 1 && items.length < size; seq--) items.push(record(seq));
    const last = items[items.length - 1];
    return { items, head, ...(last && last.seq > 1 ? { next: String(last.seq) } : {}) };
  };
  return { read, reads };
}

const shown = (top: number, count: number, next?: string): ListState => ({
  items: Array.from({ length: count }, (_, i) => record(top - i)),
  head: top,
  ...(next ? { next } : {}),
});

describe("the live invocation list", () => {
  it("asks once and changes nothing when no record was appended", async () => {
    const { read, reads } = executor(10, 5);
    expect(await newerThan(read, shown(10, 5, "6"))).toBeNull();
    expect(reads).toEqual([undefined]);
  });

  it("puts the records appended since on top, keeping the older ones and their cursor", async () => {
    const { read } = executor(13, 5);
    const fresh = (await newerThan(read, shown(10, 5, "6")))!;
    expect(fresh.items.map((i) => i.seq)).toEqual([13, 12, 11, 10, 9, 8, 7, 6]);
    expect(fresh).toMatchObject({ head: 13, next: "6" });
  });

  it("follows the cursor when more than a page arrived, and starts again from the newest page past five", async () => {
    const some = executor(22, 5);
    const caught = (await newerThan(some.read, shown(10, 5, "6")))!;
    expect(caught.items.map((i) => i.seq)).toEqual([22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(some.reads).toEqual([undefined, "18", "13"]);

    const flood = executor(100, 5);
    const restarted = (await newerThan(flood.read, shown(10, 5, "6")))!;
    expect(restarted.items.map((i) => i.seq)).toEqual([100, 99, 98, 97, 96]);
    expect(restarted).toMatchObject({ head: 100, next: "96" });
  });

  it("adds a record that committed after a newer one was shown, in its place (the log's chains commit side by side)", async () => {
    // Records 9 and 10 were shown while 8 (its place taken first) was still committing; the head did not move since.
    const late = async (): Promise<InvocationPage> => ({ items: [record(10), record(9), record(8), record(7)], head: 10 });
    const known: ListState = { items: [record(10), record(9), record(7)], head: 10 };
    expect((await newerThan(late, known))!.items.map((i) => i.seq)).toEqual([10, 9, 8, 7]);
    expect(await newerThan(late, { items: [record(10), record(9), record(8), record(7)], head: 10 })).toBeNull();
  });

  it("counts a record appended under a filter that hides it as read (the head moved, nothing to add)", async () => {
    const read = async (): Promise<InvocationPage> => ({ items: [record(10)], head: 12 });
    expect(await newerThan(read, shown(10, 1))).toEqual({ items: [record(10)], head: 12 });
  });
});

describe("a trace on the canvas", () => {
  const trace: FlowTrace = {
    v: 1,
    n: [
      { id: "load", s: "ran", t: 0.5, d: 4 },
      { id: "charge", s: "ran", t: 5, d: 1200, a: 3 },
      { id: "confirm", s: "failed", t: 1300, d: 2, e: "CONFLICT", w: ["r1"] },
      { id: "mail", s: "unreached" },
      { id: "ignore", s: "skipped" },
      { id: "refund", s: "queued", o: "ob-1" },
    ],
    x: [
      { id: "tx", t: 0, d: 20, e: "rollback" },
      { id: "tx", t: 30, d: 25, e: "commit" },
    ],
    r: [{ id: "again", a: 2 }],
    c: [{ n: "charge", ok: true, t: 1310, d: 40 }],
  };

  it("gives each node its state and facts, each transaction how its attempts ended, each retry scope its attempts", () => {
    expect(traceOverlay(trace)).toEqual({
      load: { state: "ran", facts: ["4 ms · at +0.5 ms"] },
      charge: { state: "ran", facts: ["1.20 s · at +5 ms", "3 attempts", "compensated ✓ (40 ms)"] },
      confirm: { state: "failed", facts: ["2 ms · at +1.30 s", "1 row written", "error CONFLICT"] },
      mail: { state: "unreached", facts: ["not reached: the flow stopped before it"] },
      ignore: { state: "skipped", facts: ["skipped: a branch did not take it"] },
      refund: { state: "queued", facts: ["queued: outbox ob-1"] },
      tx: { state: "commit", facts: ["2 attempts", "rolled back 20 ms", "committed 25 ms"] },
      again: { state: "ran", facts: ["2 attempts"] },
    });
  });

  it("writes durations as a person reads them", () => {
    expect([0.01, 0.4, 12.4, 999, 1234, 65_000].map(ms)).toEqual(["<0.1 ms", "0.4 ms", "12 ms", "999 ms", "1.23 s", "65.0 s"]);
  });
});

describe("metrics for the charts", () => {
  it("puts every step of the window on the grid: calls and errors per minute, no latency where nothing ran", () => {
    const report: ToolMetricsReport = {
      since: "2026-01-01T00:00:00.000Z",
      until: "2026-01-01T00:03:00.000Z",
      stepSeconds: 60,
      tools: [],
    };
    const series = toolSeries(report, [{ at: "2026-01-01T00:01:00.000Z", count: 3, errors: 1, p50: 10, p95: 20, p99: 30 }]);
    const start = Date.UTC(2026, 0, 1) / 1000;
    expect(series).toEqual({
      x: [start, start + 60, start + 120, start + 180],
      rate: [0, 3, 0, 0],
      errors: [0, 1, 0, 0],
      p50: [null, 10, null, null],
      p95: [null, 20, null, null],
      p99: [null, 30, null, null],
    });
  });
});
