/**
 * Checkpoints in the database (audit/checkpoint.ts says what one is): taken in one transaction
 * from the chain heads as committed, appended to an append-only table, and noted once a witness
 * holds a copy. Any instance may take one; an advisory lock makes instances take turns, and a
 * checkpoint younger than the interval, or over heads that have not moved, is not repeated.
 */
import { inTransaction } from "../../database/transaction";
import type { Queryable } from "../../database/types";
import { nextCheckpoint, type ChainHead, type Checkpoint } from "../audit/checkpoint";
import { chainHeads } from "./audit-store";
import { CHECKPOINT_TABLE, WITNESSED_TABLE } from "./executor-schema";

/** The advisory lock instances take turns under ("fasciacp"; the migrations' lock is another). */
const CHECKPOINT_LOCK = "7378713235855830128";

/** A checkpoint's columns, `at` as the checkpoint hashed it (ISO 8601, UTC, milliseconds). */
const COLUMNS = `"c"."id", to_char("c"."at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "at", "c"."heads", "c"."prev_hash", "c"."hash"`;

interface Row {
  id: string | number;
  at: string;
  heads: unknown;
  prev_hash: string;
  hash: string;
}

const fromRow = (r: Row): Checkpoint => ({
  id: Number(r.id),
  at: r.at,
  heads: (typeof r.heads === "string" ? JSON.parse(r.heads) : r.heads) as ChainHead[],
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Takes a checkpoint over every chain's head, unless another instance is taking one, the newest is
 * younger than `minAgeMs`, or no head moved since it. `conn` must not be inside a transaction.
 */
export async function takeCheckpoint(conn: Queryable, now: Date, minAgeMs = 0): Promise<Checkpoint | undefined> {
  return inTransaction(conn, async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) AS "locked"`);
    if (!rows[0]?.locked) return undefined;
    const last = (await tx.query<Row>(`SELECT ${COLUMNS} FROM "${CHECKPOINT_TABLE}" "c" ORDER BY "id" DESC LIMIT 1`)).rows.map(fromRow)[0];
    if (last && now.getTime() - Date.parse(last.at) < minAgeMs) return undefined;
    // One statement, one snapshot: the heads as committed together, each the end of records that are there.
    const heads = await chainHeads(tx);
    if (last && sameHeads(last.heads, heads)) return undefined;
    const checkpoint = nextCheckpoint(last, heads, now.toISOString());
    await insertCheckpoint(tx, checkpoint);
    return checkpoint;
  });
}

export async function insertCheckpoint(conn: Queryable, c: Checkpoint): Promise<void> {
  await conn.query(`INSERT INTO "${CHECKPOINT_TABLE}" ("id", "at", "heads", "prev_hash", "hash") VALUES ($1, $2, $3, $4, $5)`, [
    c.id,
    c.at,
    JSON.stringify(c.heads),
    c.prevHash,
    c.hash,
  ]);
}

function sameHeads(a: readonly ChainHead[], b: readonly ChainHead[]): boolean {
  return a.length === b.length && a.every((h, i) => h.chain === b[i]!.chain && h.seq === b[i]!.seq && h.hash === b[i]!.hash);
}

/** Checkpoints after `afterId`, in id order, at most `limit`. */
export async function readCheckpoints(db: Queryable, afterId: number, limit: number): Promise<Checkpoint[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM "${CHECKPOINT_TABLE}" "c" WHERE "id" > $1 ORDER BY "id" LIMIT $2`, [
    afterId,
    limit,
  ]);
  return rows.map(fromRow);
}

/** The stored hash of each of these checkpoints that exists. */
export async function checkpointHashes(db: Queryable, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string | number; hash: string }>(
    `SELECT "id", "hash" FROM "${CHECKPOINT_TABLE}" WHERE "id" = ANY($1::bigint[])`,
    [[...ids]],
  );
  return new Map(rows.map((r) => [Number(r.id), r.hash]));
}

/** The oldest checkpoints no witness holds yet, in id order. */
export async function unwitnessedCheckpoints(db: Queryable, limit: number): Promise<Checkpoint[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM "${CHECKPOINT_TABLE}" "c"
     WHERE NOT EXISTS (SELECT 1 FROM "${WITNESSED_TABLE}" "w" WHERE "w"."id" = "c"."id") ORDER BY "c"."id" LIMIT $1`,
    [limit],
  );
  return rows.map(fromRow);
}

export async function markWitnessed(db: Queryable, id: number): Promise<void> {
  await db.query(`INSERT INTO "${WITNESSED_TABLE}" ("id") VALUES ($1) ON CONFLICT DO NOTHING`, [id]);
}
