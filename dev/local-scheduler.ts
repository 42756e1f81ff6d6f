/**
 * `fascia dev` runs scheduled tools on their cron, in their time zone, the way Cloud Scheduler
 * would: each tick calls `run` with the scheduled time, which becomes the run's idempotency key.
 */
import { Cron } from "croner";

export interface ScheduledJob {
  tool: string;
  cron: string;
  timezone?: string;
}

export interface LocalScheduler {
  /** Next run time of each job, for the dev server's banner. */
  next(): { tool: string; at: Date | null }[];
  stop(): void;
}

export function startLocalScheduler(
  jobs: readonly ScheduledJob[],
  run: (tool: string, scheduledTime: Date) => Promise<void>,
): LocalScheduler {
  const crons = jobs.map((job) => ({
    tool: job.tool,
    cron: new Cron(job.cron, { timezone: job.timezone ?? "UTC", protect: true }, async (self: Cron) => {
      const at = self.currentRun() ?? new Date();
      await run(job.tool, at);
    }),
  }));
  return {
    next: () => crons.map((c) => ({ tool: c.tool, at: c.cron.nextRun() })),
    stop: () => crons.forEach((c) => c.cron.stop()),
  };
}
