/**
 * Verifying the audit log: every chain walked in seq order and every record recomputed from its
 * columns as stored; every checkpoint recomputed, linked to the one before, and held against the
 * records it anchors; and, given a witness, every checkpoint it holds held against the database's.
 * Rows are read a batch at a time, so memory stays bounded however long the log is.
 *
 * What each check finds (docs/executor.md, "The audit log"): a changed, removed, reordered or
 * inserted record breaks its chain's hashes or links; records removed from a chain's end disagree
 * with the chain's head row; a chain cut back behind a checkpoint (records and head row both) and a
 * chain re-hashed after a changed record disagree with the checkpoint; checkpoints rewritten to
 * match disagree with the witness's copies, which the database's users cannot touch.
 */
import type { Queryable } from "../../database/types";
import {
  changedColumns,
  GENESIS_HASH,
  hashedText,
  hashRecordV1,
  RELINKED,
  auditTimestamp,
  removedBefore,
  sha256,
  type AuditBody,
  type ChainBreak,
  type HashedColumns,
} from "../audit/audit-chain";
import { checkpointHash, type ChainHead, type Checkpoint } from "../audit/checkpoint";
import type { Witness } from "../audit/witness";
import { canonicalJson } from "../../contracts/canonical-json";
import { atText, chainHeads } from "./audit-store";
import { checkpointHashes, readCheckpoints } from "./checkpoint-store";
import { AUDIT_TABLE } from "./executor-schema";

export interface ChainVerification {
  chain: number;
  records: number;
  /** The last intact record (seq 0: none). */
  head: { seq: number; hash: string };
  broken?: ChainBreak;
  /** How many intact records each hash version has (set when the whole chain holds): did migrations 0003 and 0005 take? */
  hashVersions?: Record<number, number>;
}

/** A checkpoint that disagrees: with the one before it, with its own hash, with the records it anchors, or with the witness. */
export interface CheckpointBreak {
  checkpoint: number;
  reason: string;
}

export interface AuditVerification {
  /** Intact records, all chains. */
  records: number;
  chains: ChainVerification[];
  checkpoints: { count: number; newest?: { id: number; at: string } };
  /** Set when a witness was given: how many checkpoints it holds, all found equal to the database's. */
  witness?: { label: string; checkpoints: number };
  /** The first break: the chains' in chain order, then the checkpoints', then the witness's. */
  broken?: ChainBreak | CheckpointBreak;
  /** Records per hash version over every chain (set when nothing is broken). */
  hashVersions?: Record<number, number>;
}

export interface VerifyOptions {
  batch?: number;
  witness?: Witness;
}

/** The whole log: every chain, every checkpoint, and the witness when one is given. */
export async function verifyAuditLog(db: Queryable, options: VerifyOptions = {}): Promise<AuditVerification> {
  const batch = options.batch ?? 1000;
  const heads = await chainHeads(db);
  const chains: ChainVerification[] = [];
  for (const chain of await chainsOf(db, heads)) chains.push(await verifyAuditChain(db, batch, { chain }, heads));
  const records = chains.reduce((n, c) => n + c.records, 0);
  const chainBreak = chains.find((c) => c.broken)?.broken;
  const checkpoints = await verifyCheckpoints(db, batch);
  const witness = options.witness && !checkpoints.broken ? await verifyWitness(db, options.witness, batch) : undefined;
  const broken = chainBreak ?? checkpoints.broken ?? witness?.broken;
  const hashVersions: Record<number, number> = {};
  for (const c of chains)
    for (const [v, n] of Object.entries(c.hashVersions ?? {})) hashVersions[Number(v)] = (hashVersions[Number(v)] ?? 0) + n;
  return {
    records,
    chains,
    checkpoints: { count: checkpoints.count, ...(checkpoints.newest ? { newest: checkpoints.newest } : {}) },
    ...(witness ? { witness: { label: options.witness!.label, checkpoints: witness.count } } : {}),
    ...(broken ? { broken } : { hashVersions }),
  };
}

/** Records `from`..`to` (seqs, inclusive) of one chain (default 1); either end absent: the chain's. */
export interface ChainRange {
  chain?: number;
  from?: number;
  to?: number;
}

interface StoredRow {
  seq: string | number;
  hash_version: number;
  invocation_id: string;
  /** As atText writes it. */
  at: string;
  tool: string;
  status: number;
  body: unknown;
  prev_hash: string;
  hash: string;
}

/**
 * One batch: the seqs after $2 up to $3, which an intact chain holds every one of. A bounded range
 * rather than `LIMIT`: with stale statistics (a table just filled) the planner may read the rest of
 * the chain and sort it for every batch, and a million records then take minutes, not seconds.
 */
const STORED_ROWS = `SELECT "seq", "hash_version", "invocation_id", ${atText(`"at"`)} AS "at", "tool", "status", "body", "prev_hash", "hash"
FROM "${AUDIT_TABLE}" WHERE "chain" = $1 AND "seq" > $2 AND "seq" <= $3 ORDER BY "seq"`;
/** The first record after a short batch: none at the chain's end, else a gap. */
const NEXT_ROW = `SELECT "seq", "invocation_id" FROM "${AUDIT_TABLE}" WHERE "chain" = $1 AND "seq" > $2 AND "seq" <= $3 ORDER BY "seq" LIMIT 1`;

/**
 * Walks one chain in seq order, in batches; the first broken record, if any. Every record is
 * recomputed from its columns as stored (not from the copies in its body), by its own hash version.
 * A range that starts after record 1 is anchored on record from−1's stored hash: that record is
 * trusted, not recomputed (verifying from 1 checks it). The chain's head row is compared only when
 * the range reaches the chain's end, so records removed from the end are found by a check that does.
 */
export async function verifyAuditChain(
  db: Queryable,
  batch = 1000,
  range: ChainRange = {},
  heads?: readonly ChainHead[],
): Promise<ChainVerification> {
  const chain = range.chain ?? 1;
  const from = Math.max(1, range.from ?? 1);
  const to = range.to ?? Number.MAX_SAFE_INTEGER;
  const anchor = await chainAnchor(db, chain, from);
  if ("broken" in anchor) return { chain, records: 0, head: { seq: from - 1, hash: GENESIS_HASH }, broken: anchor.broken };
  let prev = anchor;
  let count = 0;
  const versions: Record<number, number> = {};
  for (;;) {
    const { rows } = await db.query<StoredRow>(STORED_ROWS, [chain, prev.seq, Math.min(to, prev.seq + batch)]);
    for (const row of rows) {
      const seq = Number(row.seq);
      const reason = brokenLink(prev, seq, row) ?? brokenContent(chain, seq, row);
      if (reason) return { chain, records: count, head: prev, broken: { chain, seq, invocationId: row.invocation_id, reason } };
      prev = { seq, hash: row.hash };
      count++;
      versions[row.hash_version] = (versions[row.hash_version] ?? 0) + 1;
    }
    if (rows.length === batch && prev.seq < to) continue;
    const next = (await db.query<{ seq: string | number; invocation_id: string }>(NEXT_ROW, [chain, prev.seq, to])).rows[0];
    if (!next) break;
    const seq = Number(next.seq);
    return {
      chain,
      records: count,
      head: prev,
      broken: { chain, seq, invocationId: next.invocation_id, reason: removedBefore(prev.seq, seq) },
    };
  }
  const recorded = (heads ?? (await chainHeads(db))).find((h) => h.chain === chain);
  const headBreak = (seq: number, reason: string) => ({
    chain,
    records: count,
    head: prev,
    broken: { chain, seq, invocationId: "(chain head)", reason },
  });
  if (!recorded && count > 0) return headBreak(prev.seq, `chain ${chain} has records but no head row (its head was deleted)`);
  if (recorded && recorded.seq <= to && (recorded.seq !== prev.seq || recorded.hash !== prev.hash)) {
    return headBreak(
      recorded.seq,
      recorded.seq > prev.seq
        ? `the chain head says the last record is #${recorded.seq}, but the chain ends at #${prev.seq} (records were removed from the end)`
        : `the chain head says the last record is #${recorded.seq} (${recorded.hash.slice(0, 16)}…), but the chain holds #${prev.seq} (${prev.hash.slice(0, 16)}…): the head was moved`,
    );
  }
  return { chain, records: count, head: prev, hashVersions: versions };
}

/** The chains to walk: every head row's, and every chain that has records (a chain whose head row was deleted included). */
async function chainsOf(db: Queryable, heads: readonly ChainHead[]): Promise<number[]> {
  // A loose index scan over the primary key (chain, seq): one probe per chain, not a pass over every record.
  const { rows } = await db.query<{ chain: number }>(
    `WITH RECURSIVE "c" AS (SELECT min("chain") AS "chain" FROM "${AUDIT_TABLE}"
       UNION ALL SELECT (SELECT min("chain") FROM "${AUDIT_TABLE}" WHERE "chain" > "c"."chain") FROM "c" WHERE "c"."chain" IS NOT NULL)
     SELECT "chain" FROM "c" WHERE "chain" IS NOT NULL`,
  );
  return [...new Set([...heads.map((h) => h.chain), ...rows.map((r) => Number(r.chain))])].sort((a, b) => a - b);
}

/** What record `from` must link to: the genesis hash, or record from−1's stored hash (missing: the chain is broken there). */
async function chainAnchor(db: Queryable, chain: number, from: number): Promise<{ seq: number; hash: string } | { broken: ChainBreak }> {
  if (from === 1) return { seq: 0, hash: GENESIS_HASH };
  const { rows } = await db.query<{ hash: string }>(`SELECT "hash" FROM "${AUDIT_TABLE}" WHERE "chain" = $1 AND "seq" = $2`, [
    chain,
    from - 1,
  ]);
  if (rows[0]) return { seq: from - 1, hash: rows[0].hash };
  return {
    broken: { chain, seq: from - 1, invocationId: "(anchor)", reason: `record #${from - 1}, which record #${from} links to, is missing` },
  };
}

function brokenLink(prev: { seq: number; hash: string }, seq: number, row: StoredRow): string | undefined {
  if (seq !== prev.seq + 1) return removedBefore(prev.seq, seq);
  if (row.prev_hash !== prev.hash) return prev.seq === 0 ? RELINKED : `${RELINKED} (#${prev.seq} was rewritten, or this record's link was)`;
  return undefined;
}

/**
 * Versions 2 and 3: the hash over the columns (3: the chain too). Version 1 hashed the body alone,
 * so there the columns must also equal their copies in the body; for any, the columns that differ
 * from the body's copies are named, to say where the change is. Versions 1 and 2 were written
 * when the log was one chain, so they belong to chain 1.
 */
function brokenContent(chain: number, seq: number, row: StoredRow): string | undefined {
  const body = (typeof row.body === "string" ? JSON.parse(row.body) : row.body) as AuditBody;
  const columns: HashedColumns = {
    prevHash: row.prev_hash,
    chain: String(chain),
    seq: String(seq),
    hashVersion: String(row.hash_version),
    invocationId: row.invocation_id,
    at: row.at,
    tool: row.tool,
    status: String(row.status),
    body: canonicalJson(body),
  };
  const differing = columnsDifferingFromBody(columns, body);
  if ((row.hash_version === 1 || row.hash_version === 2) && chain !== 1)
    return `a version-${row.hash_version} record (written when the log was one chain) on chain ${chain}: the record was moved`;
  switch (row.hash_version) {
    case 1:
      return hashRecordV1(row.prev_hash, seq, body) !== row.hash || differing.length ? changedColumns(differing) : undefined;
    case 2:
    case 3:
      return sha256(hashedText(columns, row.hash_version)) !== row.hash ? changedColumns(differing) : undefined;
    default:
      return `its hash version ${row.hash_version} is none this executor knows (1, 2 or 3): the record was changed`;
  }
}

function columnsDifferingFromBody(columns: HashedColumns, body: AuditBody): string[] {
  const differing: string[] = [];
  if (columns.invocationId !== body.invocationId) differing.push("invocation_id");
  if (typeof body.at !== "string" || Number.isNaN(Date.parse(body.at)) || columns.at !== auditTimestamp(body.at)) differing.push("at");
  if (columns.tool !== body.tool) differing.push("tool");
  if (columns.status !== String(body.outcome?.status)) differing.push("status");
  return differing;
}

/**
 * Every checkpoint in id order: gapless from 1, linked by hash, its own hash recomputed, no chain's
 * head going back, and every head it names still the record it anchored (looked up a batch of
 * checkpoints at a time). The chains' walks already proved each stored record consistent with the
 * records before it, so a record matching its checkpoint's hash fixes everything before it too.
 */
async function verifyCheckpoints(db: Queryable, batch: number): Promise<{ count: number; newest?: Checkpoint; broken?: CheckpointBreak }> {
  let prev: Pick<Checkpoint, "id" | "hash"> = { id: 0, hash: GENESIS_HASH };
  let newest: Checkpoint | undefined;
  const lastSeq = new Map<number, number>();
  for (;;) {
    const page = await readCheckpoints(db, prev.id, batch);
    for (const c of page) {
      const broken = (reason: string) => ({ count: prev.id, ...(newest ? { newest } : {}), broken: { checkpoint: c.id, reason } });
      if (c.id !== prev.id + 1) return broken(`checkpoint #${prev.id + 1} is missing: the checkpoints jump from #${prev.id} to #${c.id}`);
      if (c.prevHash !== prev.hash) return broken(`its previous-hash does not match checkpoint #${prev.id}`);
      if (checkpointHash(c) !== c.hash) return broken("its content does not match its hash (the checkpoint was changed)");
      for (const h of c.heads) {
        const before = lastSeq.get(h.chain) ?? 0;
        if (h.seq < before) return broken(`chain ${h.chain} goes back from #${before} to #${h.seq}`);
        lastSeq.set(h.chain, h.seq);
      }
      prev = c;
      newest = c;
    }
    const anchored = await anchoredRecords(db, page);
    for (const c of page) {
      for (const h of c.heads) {
        if (h.seq === 0) continue;
        const stored = anchored.get(`${h.chain} ${h.seq}`);
        const reason =
          stored === undefined
            ? `chain ${h.chain} was cut back behind this checkpoint: its record #${h.seq} is gone`
            : stored !== h.hash
              ? `chain ${h.chain}'s record #${h.seq} is not the one this checkpoint anchored (the chain was re-hashed)`
              : undefined;
        if (reason) return { count: c.id - 1, newest: c, broken: { checkpoint: c.id, reason } };
      }
    }
    if (page.length < batch) return { count: prev.id, ...(newest ? { newest } : {}) };
  }
}

/** The stored hashes of the records a page of checkpoints anchors, keyed `chain seq`. */
async function anchoredRecords(db: Queryable, page: readonly Checkpoint[]): Promise<Map<string, string>> {
  const wanted = new Map<string, ChainHead>();
  for (const c of page) for (const h of c.heads) if (h.seq > 0) wanted.set(`${h.chain} ${h.seq}`, h);
  if (wanted.size === 0) return new Map();
  const heads = [...wanted.values()];
  const { rows } = await db.query<{ chain: number; seq: string | number; hash: string }>(
    `SELECT "chain", "seq", "hash" FROM "${AUDIT_TABLE}" WHERE ("chain", "seq") IN (SELECT * FROM unnest($1::integer[], $2::bigint[]))`,
    [heads.map((h) => h.chain), heads.map((h) => h.seq)],
  );
  return new Map(rows.map((r) => [`${r.chain} ${Number(r.seq)}`, r.hash]));
}

/**
 * The witness's checkpoints against the database's, a batch at a time: each must hash as it says
 * and equal the database's checkpoint with its id, and the database must hold every one (a
 * checkpoint the witness holds and the database lacks was removed). The database may hold newer
 * checkpoints than the witness: those are not published yet.
 */
async function verifyWitness(db: Queryable, witness: Witness, batch: number): Promise<{ count: number; broken?: CheckpointBreak }> {
  let count = 0;
  let pending: Checkpoint[] = [];
  const compare = async (): Promise<CheckpointBreak | undefined> => {
    const stored = await checkpointHashes(
      db,
      pending.map((c) => c.id),
    );
    for (const w of pending) {
      const ours = stored.get(w.id);
      if (checkpointHash(w) !== w.hash)
        return { checkpoint: w.id, reason: `the witness's copy (${witness.label}) does not match its own hash` };
      if (!ours)
        return { checkpoint: w.id, reason: `the witness (${witness.label}) holds checkpoint #${w.id}, which the database no longer has` };
      if (ours !== w.hash)
        return {
          checkpoint: w.id,
          reason: `the database's checkpoint #${w.id} differs from the witness's copy (${witness.label}): the log was rewritten`,
        };
      count++;
    }
    pending = [];
    return undefined;
  };
  for await (const checkpoint of witness.read()) {
    pending.push(checkpoint);
    if (pending.length >= batch) {
      const broken = await compare();
      if (broken) return { count, broken };
    }
  }
  const broken = await compare();
  return broken ? { count, broken } : { count };
}
