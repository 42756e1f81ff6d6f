/**
 * Every executor instance drains the outbox: it claims what is due (a batch at a time; instances
 * skip each other's claims), delivers the batch concurrently and settles each entry, then claims
 * again. It is poked after each commit that enqueued something, so an effect normally follows its
 * commit at once; a poll interval picks up retries that came due, entries of instances that
 * stopped, and what was left before a restart. A database error waits one interval and tries again.
 */
import type { Logger } from "pino";
import type { WithConnection } from "../store/connection";
import { claimDue, type ClaimedEntry } from "./outbox-store";
import type { Delivered } from "./deliver";

export interface DrainerSettings {
  /** How often due entries are looked for when nothing pokes the drainer. */
  pollMs: number;
  /** Entries claimed and delivered at once (each holds a connection only while it is settled). */
  batch: number;
  /** How long a claim outlasts its attempt (default 30 s): what an instance that died mid-delivery delays its entries by. */
  leaseMarginMs?: number;
}

export interface OutboxDrainer {
  /** Something was enqueued and committed: look now. */
  poke(): void;
  /** Finishes the deliveries under way, then stops. */
  stop(): Promise<void>;
}

export function startOutboxDrainer(
  settings: DrainerSettings,
  withConnection: WithConnection,
  deliver: (entry: ClaimedEntry) => Promise<Delivered>,
  logger: Pick<Logger, "error" | "warn">,
): OutboxDrainer {
  let stopped = false;
  let wake: (() => void) | undefined;
  let poked = false;
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (poked || stopped) return resolve();
      const timer = setTimeout(done, settings.pollMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  // A database that stays unreachable (or not yet migrated) is logged once, not at every poll.
  let lastProblem: string | undefined;
  const loop = (async () => {
    while (!stopped) {
      poked = false;
      let claimed: ClaimedEntry[] = [];
      try {
        claimed = await withConnection((conn) => claimDue(conn, settings.batch, settings.leaseMarginMs));
        lastProblem = undefined;
      } catch (error) {
        const message = (error as Error).message;
        if (message !== lastProblem) logger.warn({ err: { message } }, "the outbox could not be read; trying again");
        lastProblem = message;
      }
      await Promise.all(
        claimed.map((entry) =>
          deliver(entry).catch((error: unknown) =>
            // The entry stays leased; when the lease runs out it is due again.
            logger.error({ outboxId: entry.id, err: { message: (error as Error).message } }, "an outbox delivery could not be settled"),
          ),
        ),
      );
      if (claimed.length < settings.batch) await sleep();
    }
  })();

  return {
    poke() {
      poked = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
