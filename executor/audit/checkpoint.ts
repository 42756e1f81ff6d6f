/**
 * Checkpoints: the audit log's chains anchored together, after the signed tree heads of
 * Certificate Transparency and Trillian. The log is several hash chains (an append takes whichever
 * chain's head is free, so appends of different invocations never wait for each other); at
 * intervals one checkpoint records every chain's head (its last seq and hash) and links to the
 * checkpoint before it by hash. A record a checkpoint covers can then no longer be changed,
 * removed, reordered or cut off the end of its chain without the checkpoint disagreeing — and
 * checkpoints also leave the database for a witness (witness.ts) its users cannot rewrite.
 * Pure functions and shapes; storing checkpoints is the checkpoint store's job.
 */
import { GENESIS_HASH, sha256 } from "./audit-chain";

/** One chain's head as a checkpoint records it: its last record's seq (0: no record yet) and hash. */
export interface ChainHead {
  chain: number;
  seq: number;
  hash: string;
}

export interface Checkpoint {
  /** 1, 2, 3 …: gapless, in the order they were taken. */
  id: number;
  /** When it was taken (ISO 8601, UTC, milliseconds). */
  at: string;
  /** Every chain's head, ordered by chain. */
  heads: ChainHead[];
  /** The previous checkpoint's hash (GENESIS_HASH for checkpoint 1). */
  prevHash: string;
  hash: string;
}

/** Names the hashed layout, so a later layout can never be mistaken for this one. */
export const CHECKPOINT_VERSION = "fascia-checkpoint-1";

/**
 * What a checkpoint's hash covers, one line each: the version, id, time, previous hash, then one
 * line per chain head `chain seq hash`, ordered by chain. Every field is fixed-format (integers,
 * hex, ISO time), so no line can be shifted into another.
 */
export function checkpointText(c: Omit<Checkpoint, "hash">): string {
  const heads = [...c.heads].sort((a, b) => a.chain - b.chain).map((h) => `${h.chain} ${h.seq} ${h.hash}`);
  return [CHECKPOINT_VERSION, String(c.id), c.at, c.prevHash, ...heads].join("\n");
}

export function checkpointHash(c: Omit<Checkpoint, "hash">): string {
  return sha256(checkpointText(c));
}

/** The checkpoint after `prev` (undefined: the first) over `heads`, taken `at`. */
export function nextCheckpoint(prev: Pick<Checkpoint, "id" | "hash"> | undefined, heads: readonly ChainHead[], at: string): Checkpoint {
  const body = {
    id: (prev?.id ?? 0) + 1,
    at,
    heads: [...heads].sort((a, b) => a.chain - b.chain),
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...body, hash: checkpointHash(body) };
}

/** A checkpoint as one line of JSON: what a witness stores (one object per checkpoint). */
export function checkpointJson(c: Checkpoint): string {
  return JSON.stringify({ id: c.id, at: c.at, heads: c.heads, prevHash: c.prevHash, hash: c.hash });
}

/** Parses a witness's copy; throws naming what is wrong (a witness's content is not trusted either). */
export function parseCheckpoint(text: string, where: string): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const c = value as Partial<Checkpoint>;
  const isHex = (s: unknown) => typeof s === "string" && /^[0-9a-f]{64}$/.test(s);
  if (!Number.isSafeInteger(c.id) || (c.id as number) < 1) throw new Error(`${where}: id is not a positive integer`);
  if (typeof c.at !== "string" || Number.isNaN(Date.parse(c.at))) throw new Error(`${where}: at is not a time`);
  if (!isHex(c.prevHash) || !isHex(c.hash)) throw new Error(`${where}: prevHash and hash must be 64 hex digits`);
  if (!Array.isArray(c.heads)) throw new Error(`${where}: heads is not a list`);
  for (const [i, h] of c.heads.entries()) {
    if (!Number.isSafeInteger(h?.chain) || !Number.isSafeInteger(h?.seq) || !isHex(h?.hash))
      throw new Error(`${where}: heads[${i}] must be { chain, seq, hash }`);
  }
  return {
    id: c.id!,
    at: c.at,
    heads: c.heads.map((h) => ({ chain: h.chain, seq: h.seq, hash: h.hash })),
    prevHash: c.prevHash!,
    hash: c.hash!,
  };
}

/** Whether two copies of a checkpoint are the same checkpoint (a witness's copy against the database's). */
export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return a.id === b.id && a.hash === b.hash && checkpointText(a) === checkpointText(b);
}
