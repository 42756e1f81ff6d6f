/**
 * A witness keeps a copy of every checkpoint outside the database, where the database's users
 * cannot rewrite it: a Cloud Storage bucket with a retention policy (the deployment creates it, and
 * the executor's service account may only create objects in it), or a local directory for
 * `fascia dev`. `fascia audit verify --witness …` compares the database's checkpoints with it.
 *
 * A checkpoint is one object, `checkpoints/<id, 12 digits>.json`, holding checkpointJson; it is
 * created only if absent, never replaced, so publishing again after a crash is harmless and a
 * second, different checkpoint with the same id (a forked or rewritten log) is refused.
 */
import { checkpointJson, parseCheckpoint, sameCheckpoint, type Checkpoint } from "./checkpoint";

export interface Witness {
  /** Where it is, for messages: `gs://bucket/prefix`, a directory. */
  readonly label: string;
  /**
   * Stores `checkpoint` unless a copy with its id is already there. Resolves when it is stored or
   * the stored copy is the same checkpoint; rejects with WitnessConflict when the stored copy differs.
   */
  publish(checkpoint: Checkpoint): Promise<void>;
  /** Every stored checkpoint, in id order, read a page at a time (memory stays bounded). */
  read(): AsyncIterable<Checkpoint>;
}

/** The witness already holds a different checkpoint under this id: the log was forked or rewritten. */
export class WitnessConflict extends Error {
  constructor(
    readonly id: number,
    readonly witnessed: string,
    readonly offered: string,
  ) {
    super(`the witness already holds a different checkpoint #${id} (hash ${witnessed.slice(0, 16)}…, offered ${offered.slice(0, 16)}…)`);
    this.name = "WitnessConflict";
  }
}

/** The object name of checkpoint `id` (zero-padded so names sort in id order). */
export function checkpointObjectName(id: number, prefix = ""): string {
  return `${prefix}checkpoints/${String(id).padStart(12, "0")}.json`;
}

/** The id an object name holds, or undefined for an object that is not a checkpoint. */
export function checkpointIdOf(name: string, prefix = ""): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const match = /^checkpoints\/(\d{12})\.json$/.exec(name.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/**
 * A publish that found a copy already stored under the checkpoint's id: returns when `stored` is
 * the same checkpoint (a publish repeated after a crash), throws WitnessConflict when it is not or
 * cannot be read. `where` names the copy in a parse error.
 */
export function expectSameCopy(stored: string, offered: Checkpoint, where: string): void {
  if (stored === checkpointJson(offered)) return;
  let witnessed: Checkpoint;
  try {
    witnessed = parseCheckpoint(stored, where);
  } catch {
    throw new WitnessConflict(offered.id, "(unreadable)", offered.hash);
  }
  if (!sameCheckpoint(witnessed, offered)) throw new WitnessConflict(offered.id, witnessed.hash, offered.hash);
}
