/**
 * The executor's read-only operator API, under the reserved `/_fascia/` prefix: what the Console
 * (studio/) reads and what an operator's own scripts may read. One definition of its paths and
 * response shapes for the side that serves it (executor/operator/) and the sides that read it
 * (the studio's proxy and its web app). Pure types and constants: no fastify, no database.
 *
 * Every route needs a bearer token whose roles include the operator role (`operator` unless
 * FASCIA_OPERATOR_ROLE says otherwise): no token is 401, a token without the role is 403. Nothing
 * here carries an input value the audit record masks, a secret's value, or a token.
 */
import type { FlowTrace } from "./flow-trace";

/** The role a caller needs for every operator route, unless the deployment names another. */
export const DEFAULT_OPERATOR_ROLE = "operator";

export const OPERATOR_PATHS = {
  /** GET: InvocationPage. Query: InvocationFilter (all optional) and `cursor`, `limit`. */
  invocations: "/_fascia/invocations",
  /** GET `/_fascia/invocations/<invocationId>`: InvocationDetail, or 404. */
  invocation: "/_fascia/invocations/",
  /**
   * GET: ChainVerification. Query: `chain` (default every chain), `from`, `to` (seqs within each chain,
   * inclusive; default the whole chain, at most the newest 100,000 records per request over all
   * chains: docs/operator-api.md, "Chain verification").
   */
  auditVerify: "/_fascia/audit/verify",
  /** GET: ToolMetricsReport. Query: `since` (ISO time, default an hour ago), `step` (seconds, default 60), `tool`. */
  metrics: "/_fascia/metrics",
  /** GET: DeploymentState. */
  deployment: "/_fascia/deployment",
  /** GET: DeploymentSettings. */
  settings: "/_fascia/settings",
} as const;

export function invocationPath(invocationId: string): string {
  return `${OPERATOR_PATHS.invocation}${encodeURIComponent(invocationId)}`;
}

/** What an operator filters the invocation list by; every member optional, all given must hold. */
export interface InvocationFilter {
  tool?: string;
  /** `ok`: status < 400; `error`: status ≥ 400; or one HTTP status, as digits. */
  outcome?: "ok" | "error" | `${number}`;
  /** The caller's id (the token's subject), exactly. */
  caller?: string;
  /** ISO times, inclusive `from`, exclusive `to`. */
  from?: string;
  to?: string;
}

/** Page size when `limit` is not given, and the largest accepted. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** What kind of audit record it is: an invocation, an outbox delivery, a replayed answer, or a window's refusals counted. */
export type RecordKind = "invocation" | "delivery" | "replay" | "aggregate";

/** One row of the list: the audit record's columns and counts; no input, no trace. */
export interface InvocationSummary {
  /** The record's place in the log across its chains (the list's order and cursor). */
  seq: number;
  /** The chain the record is on, and its seq there (what a chain check names). */
  chain: number;
  chainSeq: number;
  invocationId: string;
  at: string;
  tool: string;
  kind: RecordKind;
  trigger: string;
  callerId: string | null;
  status: number;
  code?: string;
  durationMs: number;
}

/**
 * Newest first. Keyset pagination on the record's seq: `next` is the cursor of the page after
 * this one (older records), absent on the last page; a record appended meanwhile never shifts a
 * page. `head` is the newest seq when the page was read: a live list asks for records after it.
 */
export interface InvocationPage {
  items: InvocationSummary[];
  next?: string;
  head: number;
}

/**
 * What an audit record says an invocation did, beside its columns: the executor's audit body is
 * made of these (executor/audit/audit-chain.ts AuditBody) and the operator API returns them as stored.
 */
export interface RecordedInvocation {
  callerRoles: string[];
  /** The input as the audit record keeps it: pii fields masked. */
  input: Record<string, unknown>;
  inputDigest: string;
  rowsChanged: { entity: string; id: string; action: string }[];
  effects: { node: string; kind: string; id: string; amount?: number }[];
  compensations: { node: string; kind: string; id: string; ok: boolean; error?: string }[];
  /** Effects this invocation left in the outbox, made once its commit landed (each gets a record of its own, `delivery`). */
  queued?: { node: string; kind: string; outboxId: string }[];
  /** Set when the response was replayed from the idempotency store: the invocation that produced it. */
  replayOf?: string;
  /** Set on the record of an outbox delivery: the invocation that enqueued it, the entry, the attempts made, the last error. */
  delivery?: { of: string; outboxId: string; attempts: number; error?: string };
}

/** One invocation: its summary and the rest of its audit record, pii masked as stored. */
export interface InvocationDetail extends InvocationSummary, RecordedInvocation {
  /** Absent on replays, deliveries, aggregates and records of invocations refused before their tool ran. */
  trace?: FlowTrace;
  /** The record's own hash and its predecessor's (the chain, docs/executor.md). */
  hash: string;
  prevHash: string;
  /** The plan hash of the deployment this executor runs: the trace is drawn on this plan's flow. */
  planHash: string;
}

/** The audit log's chains checked over records `from`..`to` of each: each record's hash recomputed and its link to the one before. */
export interface ChainVerification {
  /** Records checked and found intact over every chain checked, before the first broken one. */
  checked: number;
  verified: boolean;
  /** Each chain checked: its seqs checked, the records found intact, its head as its head row records it when the check ran. */
  chains: { chain: number; from: number; to: number; checked: number; head: { seq: number; hash: string } }[];
  broken?: { chain: number; seq: number; invocationId: string; reason: string };
}

/** One time bucket of one tool. Latencies in ms; absent when the bucket had no invocation. */
export interface MetricsBucket {
  /** The bucket's start, ISO. */
  at: string;
  count: number;
  errors: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

/**
 * Per-tool series over `since`..now, from the audit records (every instance's invocations, kept
 * across restarts; an instance's /metrics counters are its own and start at zero).
 */
export interface ToolMetricsReport {
  since: string;
  until: string;
  stepSeconds: number;
  tools: { tool: string; buckets: MetricsBucket[]; total: { count: number; errors: number; p50?: number; p95?: number; p99?: number } }[];
}

export interface DeploymentState {
  planHash: string;
  /** The app's name (the manifest's source folder). */
  app: string;
  tools: { name: string; trigger: string; method: string; path: string; risk: string; deployable: boolean }[];
  entities: string[];
  /** The app's migrations as the ledger (fascia_migrations) records them, oldest first. */
  migrations: { id: string; seq: number; state: string; entities: string[] }[];
  /** The executor's own migrations (fascia_executor_migrations). */
  executorMigrations: { id: string; appliedAt: string }[];
  /** The `pulumi` commands a change to this deployment needs (deploying stays `pulumi up`). */
  commands: { preview: string; up: string };
}

/** One setting as the executor sees it, with the `pulumi config set …` that changes it when a component argument does. */
export interface DeploymentSetting {
  /** Where it shows: `auth`, `limits`, `database`, `secrets`, `effects`, `operators`. */
  group: string;
  name: string;
  /** The value; for a secret only whether it is present (`set` / `missing`), never the value. */
  value: string | number | boolean | null;
  /** The environment variable the executor reads it from (contracts/environment.ts). */
  env?: string;
  /** The FasciaDeployment argument that sets it, as a path (`auth.issuer`). */
  argument?: string;
  /** The command that changes it in the examples' stack program (examples/reservations-stack). */
  configSet?: string;
}

export interface DeploymentSettings {
  settings: DeploymentSetting[];
}
