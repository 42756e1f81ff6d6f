/**
 * What one run did at a node or scope, drawn over it on the canvas: the Console lays an
 * invocation's trace over its tool's flow this way. The canvas knows only a state and a few short
 * facts; what they mean is the Console's (console/trace.ts).
 */
export interface NodeOverlay {
  /** The node's state (ran, skipped, failed, unreached, queued) or a scope's (commit, rollback, commitFailed, ran). */
  state: string;
  /** Short facts shown on the node, one a line ("12 ms", "3 attempts"). */
  facts: string[];
}

export const STATE_COLOUR: Record<string, string> = {
  ran: "#1a7f37",
  commit: "#1a7f37",
  queued: "#0969da",
  failed: "#cf222e",
  rollback: "#cf222e",
  commitFailed: "#cf222e",
  skipped: "#d0d7de",
  unreached: "#d0d7de",
};

/** Whether the run passed through a node in this state (its edges in are drawn as taken). */
export function reached(state: string | undefined): boolean {
  return state === "ran" || state === "failed" || state === "queued";
}
