/**
 * Refusals before a caller is known — a bad token or signature (401), and a 400/413/429 answered
 * before authentication succeeded — are counted here instead of appended one by one. Each costs
 * nothing but a map update; once per window the counts become ONE aggregate audit record, chained
 * like any other. An append per refusal made the chain head, every writing invocation's
 * serialization point, anyone's to saturate without credentials (6,000 bad signatures were 6,080
 * records and doubled booking latency). Each refusal still has its own log line.
 *
 * The record's tool is REFUSALS_TOOL, a name no tool can have (tool names are camelCase), its
 * trigger AGGREGATE_TRIGGER, its `at` the window's start and its status 0 (an aggregate is not one
 * answer: its counts carry theirs). A window without refusals writes nothing.
 */
import { canonicalJson } from "../../contracts/canonical-json";
import { sha256, type AuditBody, type RefusalCounts } from "./audit-chain";

export const REFUSALS_TOOL = "(refusals)";
export const AGGREGATE_TRIGGER = "aggregate";
/** The status column of an aggregate record: no HTTP status, since the record answers no request. */
export const AGGREGATE_STATUS = 0;

export interface RefusalTally {
  /** One refusal of `tool` with this status and code, in the current window. */
  count(tool: string, status: number, code: string): void;
  /** Ends the current window: appends its aggregate record when it had refusals. */
  flush(): Promise<void>;
  /** Stops the periodic flush and flushes what is left (graceful shutdown). */
  close(): Promise<void>;
}

export interface RefusalTallySettings {
  /** How long a window lasts; its record is appended at its end. */
  windowMs: number;
  /** Appends an aggregate record to the chain. */
  append: (body: AuditBody) => Promise<void>;
  /** An append failed: its counts stay for the next window, which then starts where this one did. */
  onError: (error: unknown, refusals: number) => void;
  newId: () => string;
  now?: () => Date;
}

type Count = RefusalCounts["counts"][number];

const EMPTY_INPUT_DIGEST = sha256(canonicalJson({}));

export function createRefusalTally(settings: RefusalTallySettings): RefusalTally {
  const now = settings.now ?? (() => new Date());
  let windowStart = now();
  let counts = new Map<string, Count>();
  // Flushes run one after another, so a window is never appended twice or lost between two.
  let flushing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => void tally.flush(), settings.windowMs);
  // A process with nothing else to do may exit; close() flushes what is left.
  timer.unref();

  const endWindow = async (): Promise<void> => {
    const start = windowStart;
    const end = now();
    windowStart = end;
    if (counts.size === 0) return;
    const taken = counts;
    counts = new Map();
    try {
      await settings.append(aggregateRecord(settings.newId(), start, end, [...taken.values()]));
    } catch (error) {
      for (const [key, count] of taken) add(key, count);
      windowStart = start;
      settings.onError(
        error,
        [...taken.values()].reduce((sum, c) => sum + c.count, 0),
      );
    }
  };

  const add = (key: string, count: Count) => {
    const known = counts.get(key);
    if (known) known.count += count.count;
    else counts.set(key, { ...count });
  };

  const tally: RefusalTally = {
    count(tool, status, code) {
      add(`${tool}\n${status}\n${code}`, { tool, status, code, count: 1 });
    },
    flush() {
      flushing = flushing.then(endWindow);
      return flushing;
    },
    close() {
      clearInterval(timer);
      return tally.flush();
    },
  };
  return tally;
}

/** The aggregate record of one window: its counts by tool, status and code, in that order. */
export function aggregateRecord(invocationId: string, start: Date, end: Date, counts: readonly Count[]): AuditBody {
  const sorted = [...counts].sort((a, b) =>
    a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : a.status - b.status || (a.code < b.code ? -1 : 1),
  );
  return {
    invocationId,
    at: start.toISOString(),
    tool: REFUSALS_TOOL,
    trigger: AGGREGATE_TRIGGER,
    callerId: null,
    callerRoles: [],
    input: {},
    inputDigest: EMPTY_INPUT_DIGEST,
    rowsChanged: [],
    effects: [],
    compensations: [],
    outcome: { status: AGGREGATE_STATUS },
    durationMs: end.getTime() - start.getTime(),
    refusals: { windowStart: start.toISOString(), windowEnd: end.toISOString(), counts: sorted },
  };
}
