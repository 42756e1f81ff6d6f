/**
 * Every executor instance checkpoints the audit log at intervals (checkpoint-store.ts takes one
 * unless another instance just did) and hands the checkpoints no witness holds yet to the witness,
 * oldest first, noting each once the witness holds it. Stopping takes a last checkpoint, so an
 * instance that scales in leaves its last records anchored. A failure is logged and tried again at
 * the next interval; a witness that holds a different checkpoint under the same id is the log
 * being forked or rewritten, and is logged as an error every time.
 */
import type { Logger } from "pino";
import type { Witness } from "../audit/witness";
import { WitnessConflict } from "../audit/witness";
import type { Checkpoint } from "../audit/checkpoint";
import { markWitnessed, takeCheckpoint, unwitnessedCheckpoints } from "./checkpoint-store";
import type { WithConnection } from "./connection";

export interface CheckpointerSettings {
  /** How often a checkpoint is taken (when records were appended since the last one). */
  intervalMs: number;
  /** Where checkpoints are copied; absent: they stay in the database alone (docs/executor.md, "Checkpoints"). */
  witness?: Witness;
}

export interface Checkpointer {
  /** One round now: a checkpoint if due, then the witness brought up to date. */
  tick(): Promise<Checkpoint | undefined>;
  /** Stops the timer, then a last round (a checkpoint however young the previous one is). */
  stop(): Promise<void>;
}

/** Checkpoints handed to the witness per round, oldest first (a witness that was down catches up over rounds). */
const WITNESS_BATCH = 100;

export function startCheckpointer(
  settings: CheckpointerSettings,
  withConnection: WithConnection,
  logger: Pick<Logger, "error" | "warn">,
  now: () => Date = () => new Date(),
): Checkpointer {
  let running: Promise<Checkpoint | undefined> = Promise.resolve(undefined);
  let lastProblem: string | undefined;
  const round = (minAgeMs: number) =>
    (running = running.then(async () => {
      try {
        const taken = await withConnection((conn) => takeCheckpoint(conn, now(), minAgeMs));
        if (settings.witness) await publishPending(settings.witness, withConnection);
        lastProblem = undefined;
        return taken;
      } catch (error) {
        const message = (error as Error).message;
        if (error instanceof WitnessConflict) logger.error({ err: { message } }, "the audit witness holds a different checkpoint");
        else if (message !== lastProblem) logger.warn({ err: { message } }, "the audit log could not be checkpointed; trying again");
        lastProblem = message;
        return undefined;
      }
    }));
  // A little under the interval: instances' timers drift, and a checkpoint a moment early is harmless.
  const timer = setInterval(() => void round(settings.intervalMs * 0.9), settings.intervalMs);
  timer.unref();
  return {
    tick: () => round(0),
    async stop() {
      clearInterval(timer);
      await round(0);
    },
  };
}

async function publishPending(witness: Witness, withConnection: WithConnection): Promise<void> {
  const pending = await withConnection((conn) => unwitnessedCheckpoints(conn, WITNESS_BATCH));
  for (const checkpoint of pending) {
    await witness.publish(checkpoint);
    await withConnection((conn) => markWitnessed(conn, checkpoint.id));
  }
}
