/**
 * Per-tool series from the audit records, computed in SQL: every instance's invocations, kept
 * across restarts (an instance's /metrics counters are its own and start at zero). Each bucket
 * counts the records of its tool (errors: status ≥ 400) and takes latency percentiles of their
 * `durationMs`. Aggregate records (refusals counted over a window, refusal-tally.ts) are counted
 * but have no latency of their own, so they are left out of the percentiles.
 */
import type { Queryable } from "../../database/types";
import type { MetricsBucket, ToolMetricsReport } from "../../contracts/operator-api";
import { AUDIT_TABLE } from "../store/executor-schema";
import type { QueryReader } from "./query-params";

export const METRICS_PARAMETERS = ["since", "step", "tool"] as const;

/** How far back a report reaches, and how many buckets one tool's series may have: a bounded scan and a bounded answer. */
export const MAX_METRICS_SECONDS = 7 * 24 * 60 * 60;
export const MAX_BUCKETS = 1000;
const DEFAULT_WINDOW_SECONDS = 60 * 60;
const DEFAULT_STEP_SECONDS = 60;

export interface MetricsQuery {
  since: Date;
  until: Date;
  stepSeconds: number;
  tool?: string;
}

export function readMetricsQuery(query: QueryReader, now: Date): MetricsQuery {
  const since = query.time("since") ?? new Date(now.getTime() - DEFAULT_WINDOW_SECONDS * 1000);
  const stepSeconds = query.integer("step", 1, MAX_METRICS_SECONDS) ?? DEFAULT_STEP_SECONDS;
  const tool = query.text("tool");
  const seconds = (now.getTime() - since.getTime()) / 1000;
  if (seconds > MAX_METRICS_SECONDS) query.problem("since", `reaches back more than ${MAX_METRICS_SECONDS / 86_400} days`);
  else if (seconds <= 0) query.problem("since", "must be in the past");
  else if (Math.ceil(seconds / stepSeconds) > MAX_BUCKETS)
    query.problem("step", `makes ${Math.ceil(seconds / stepSeconds)} buckets since ${since.toISOString()}; at most ${MAX_BUCKETS}`);
  query.done();
  return { since, until: now, stepSeconds, ...(tool !== undefined ? { tool } : {}) };
}

interface BucketRow {
  tool: string;
  /** Null on the tool's total row (the grouping set without the bucket). */
  bucket: number | string | null;
  count: number | string;
  errors: number | string;
  p50: number | string | null;
  p95: number | string | null;
  p99: number | string | null;
}

const LATENCY = `CASE WHEN "body"->'refusals' IS NULL THEN ("body"->>'durationMs')::float8 END`;
const percentile = (p: number, name: string) => `percentile_cont(${p}) WITHIN GROUP (ORDER BY ${LATENCY}) AS "${name}"`;

/** Buckets and totals in one scan: GROUPING SETS gives each tool's buckets and its whole-window row. */
const METRICS_SQL = (byTool: boolean) => `SELECT "tool", "bucket", count(*)::integer AS "count",
  (count(*) FILTER (WHERE "status" >= 400))::integer AS "errors", ${percentile(0.5, "p50")}, ${percentile(0.95, "p95")}, ${percentile(0.99, "p99")}
FROM (SELECT "tool", "status", "body", floor(extract(epoch FROM ("at" - $1::timestamptz)) / $3)::integer AS "bucket"
      FROM "${AUDIT_TABLE}" WHERE "at" >= $1::timestamptz AND "at" < $2::timestamptz${byTool ? ` AND "tool" = $4` : ""}) AS "records"
GROUP BY GROUPING SETS (("tool", "bucket"), ("tool"))
ORDER BY "tool", "bucket"`;

export async function toolMetrics(db: Queryable, query: MetricsQuery, toolNames: readonly string[]): Promise<ToolMetricsReport> {
  const values: unknown[] = [query.since.toISOString(), query.until.toISOString(), query.stepSeconds];
  if (query.tool !== undefined) values.push(query.tool);
  const { rows } = await db.query<BucketRow>(METRICS_SQL(query.tool !== undefined), values);
  const bucketCount = Math.ceil((query.until.getTime() - query.since.getTime()) / 1000 / query.stepSeconds);
  // Every tool of the app has a series (an idle tool's is all zeros), and so has any other name the records carry (refusals).
  const names = [...new Set([...toolNames.filter((n) => query.tool === undefined || n === query.tool), ...rows.map((r) => r.tool)])].sort();
  const tools = names.map((tool) => {
    const own = rows.filter((r) => r.tool === tool);
    const byBucket = new Map(own.filter((r) => r.bucket !== null).map((r) => [Number(r.bucket), r]));
    const buckets: MetricsBucket[] = [];
    for (let i = 0; i < bucketCount; i++) {
      const at = new Date(query.since.getTime() + i * query.stepSeconds * 1000).toISOString();
      const row = byBucket.get(i);
      buckets.push({ at, ...(row ? countsOf(row) : { count: 0, errors: 0 }) });
    }
    const total = own.find((r) => r.bucket === null);
    return { tool, buckets, total: total ? countsOf(total) : { count: 0, errors: 0 } };
  });
  return { since: query.since.toISOString(), until: query.until.toISOString(), stepSeconds: query.stepSeconds, tools };
}

function countsOf(row: BucketRow): Omit<MetricsBucket, "at"> {
  const ms = (value: number | string | null) => (value === null ? undefined : Number(value));
  const p50 = ms(row.p50);
  const p95 = ms(row.p95);
  const p99 = ms(row.p99);
  return {
    count: Number(row.count),
    errors: Number(row.errors),
    ...(p50 !== undefined ? { p50 } : {}),
    ...(p95 !== undefined ? { p95 } : {}),
    ...(p99 !== undefined ? { p99 } : {}),
  };
}
