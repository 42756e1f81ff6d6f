/**
 * The invocation list and one invocation, read from the audit records (fascia_audit): newest
 * first, keyset-paginated on the record's place in the log across chains (AUDIT_POSITION, the
 * `seq` clients see), so a record appended while an operator pages never shifts a page. A place is
 * taken at the append, before its commit, so on a busy log a record may become visible just after a
 * newer place was listed: a live list looks for records it has not seen among the newest, not only
 * above its top (studio/web/console/catchUp.ts). The list reads only the columns and the body's
 * small members, never the input or trace.
 */
import type { Queryable } from "../../database/types";
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type InvocationDetail,
  type InvocationFilter,
  type InvocationPage,
  type InvocationSummary,
  type RecordKind,
} from "../../contracts/operator-api";
import type { AuditBody } from "../audit/audit-chain";
import { AUDIT_POSITION, AUDIT_TABLE } from "../store/executor-schema";
import { logPosition } from "../store/audit-store";
import type { QueryReader } from "./query-params";

export const LIST_PARAMETERS = ["tool", "outcome", "caller", "from", "to", "cursor", "limit"] as const;

export interface ListQuery {
  filter: { tool?: string; outcome?: InvocationFilter["outcome"]; caller?: string; from?: Date; to?: Date };
  /** Records older than this seq (the cursor's); absent: from the newest. */
  before?: number;
  limit: number;
}

/** The list's query parameters, each refused by name. */
export function readListQuery(query: QueryReader): ListQuery {
  const outcome = query.text("outcome");
  if (outcome !== undefined && !/^(ok|error|[1-5]\d\d)$/.test(outcome))
    query.problem("outcome", `must be ok, error or an HTTP status, not "${outcome}"`);
  const cursor = query.text("cursor");
  const before = cursor === undefined ? undefined : cursorSeq(cursor);
  if (cursor !== undefined && before === undefined) query.problem("cursor", "is not a cursor this API gave out");
  const listQuery: ListQuery = {
    filter: {
      ...optional("tool", query.text("tool")),
      ...optional("outcome", outcome as InvocationFilter["outcome"] | undefined),
      ...optional("caller", query.text("caller")),
      ...optional("from", query.time("from")),
      ...optional("to", query.time("to")),
    },
    ...optional("before", before),
    limit: query.integer("limit", 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE,
  };
  query.done();
  return listQuery;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * A cursor is the last listed record's seq, wrapped so clients treat it as opaque (its form may
 * change); anything else is refused rather than read as "from the start".
 */
export function cursorOf(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString("base64url");
}

function cursorSeq(cursor: string): number | undefined {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/** The summary's members, taken from the body in SQL so the list never reads inputs or traces. */
const SUMMARY_COLUMNS = `${AUDIT_POSITION} AS "position", "chain", "seq", "invocation_id", "tool", "status", "body"->>'at' AS "at", "body"->>'trigger' AS "trigger",
  "body"->>'callerId' AS "caller_id", "body"->'outcome'->>'code' AS "code", "body"->>'durationMs' AS "duration_ms",
  CASE WHEN "body"->'refusals' IS NOT NULL THEN 'aggregate' WHEN "body"->'delivery' IS NOT NULL THEN 'delivery'
       WHEN "body"->'replayOf' IS NOT NULL THEN 'replay' ELSE 'invocation' END AS "kind"`;

interface SummaryRow {
  position: string | number;
  chain: number;
  seq: string | number;
  invocation_id: string;
  tool: string;
  status: number;
  at: string;
  trigger: string | null;
  caller_id: string | null;
  code: string | null;
  duration_ms: string | null;
  kind: RecordKind;
}

function summaryOf(row: SummaryRow): InvocationSummary {
  return {
    seq: Number(row.position),
    chain: Number(row.chain),
    chainSeq: Number(row.seq),
    invocationId: row.invocation_id,
    at: row.at,
    tool: row.tool,
    kind: row.kind,
    trigger: row.trigger ?? "",
    callerId: row.caller_id,
    status: Number(row.status),
    ...(row.code ? { code: row.code } : {}),
    durationMs: Number(row.duration_ms ?? 0),
  };
}

/** One page, newest first. One more row than the page is read to know whether a next page exists. */
export async function listInvocations(db: Queryable, { filter, before, limit }: ListQuery): Promise<InvocationPage> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (condition: (p: string) => string, value: unknown) => {
    values.push(value);
    where.push(condition(`$${values.length}`));
  };
  if (before !== undefined) add((p) => `${AUDIT_POSITION} < ${p}`, before);
  if (filter.tool !== undefined) add((p) => `"tool" = ${p}`, filter.tool);
  if (filter.outcome === "ok") where.push(`"status" < 400`);
  else if (filter.outcome === "error") where.push(`"status" >= 400`);
  else if (filter.outcome !== undefined) add((p) => `"status" = ${p}::integer`, Number(filter.outcome));
  if (filter.caller !== undefined) add((p) => `"body"->>'callerId' = ${p}`, filter.caller);
  if (filter.from !== undefined) add((p) => `"at" >= ${p}::timestamptz`, filter.from.toISOString());
  if (filter.to !== undefined) add((p) => `"at" < ${p}::timestamptz`, filter.to.toISOString());
  values.push(limit + 1);
  // The head first: a record appended between the two reads is then newer than `head`, never lost by a live list.
  const head = await logPosition(db);
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM "${AUDIT_TABLE}"${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${AUDIT_POSITION} DESC LIMIT $${values.length}`,
    values,
  );
  const items = rows.slice(0, limit).map(summaryOf);
  const last = items[items.length - 1];
  return { items, ...(rows.length > limit && last ? { next: cursorOf(last.seq) } : {}), head };
}

interface DetailRow extends SummaryRow {
  body: AuditBody | string;
  prev_hash: string;
  hash: string;
}

/** One record by its invocation id (unique), with its input as stored (pii masked) and its trace; undefined when unknown. */
export async function invocationDetail(db: Queryable, invocationId: string, planHash: string): Promise<InvocationDetail | undefined> {
  const { rows } = await db.query<DetailRow>(
    `SELECT ${SUMMARY_COLUMNS}, "body", "prev_hash", "hash" FROM "${AUDIT_TABLE}" WHERE "invocation_id" = $1`,
    [invocationId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const body = (typeof row.body === "string" ? JSON.parse(row.body) : row.body) as AuditBody;
  return {
    ...summaryOf(row),
    callerRoles: body.callerRoles ?? [],
    input: body.input ?? {},
    inputDigest: body.inputDigest ?? "",
    rowsChanged: body.rowsChanged ?? [],
    effects: body.effects ?? [],
    compensations: body.compensations ?? [],
    ...(body.queued ? { queued: body.queued } : {}),
    ...(body.replayOf ? { replayOf: body.replayOf } : {}),
    ...(body.delivery ? { delivery: body.delivery } : {}),
    ...(body.trace ? { trace: body.trace } : {}),
    hash: row.hash,
    prevHash: row.prev_hash,
    planHash,
  };
}
