/**
 * Process exit codes, shared by the `fascia` CLI (cli/) and the executor's process (executor/main.ts),
 * so a script or a Cloud Run job reads the same number the same way whichever one it ran.
 * Documented for users in README ("Using the CLI") and docs/executor-config.md (`FASCIA_RUN`).
 */
export const EXIT = {
  /** The command did what was asked (the specs are valid, the plan may deploy, the server stopped cleanly). */
  ok: 0,
  /** The command ran and the answer is no, or it could not finish (invalid specs, a blocked plan, a failed migration). */
  failed: 1,
  /** The command was called wrongly (unknown option or command, a missing folder, an unknown `FASCIA_RUN`). */
  usage: 2,
  /**
   * The executor's process only: it refused to run a manifest other than the one the deployment
   * governed (FASCIA_PLAN_HASH differs from the plan hash of the manifest in the image). Its own
   * code because retrying cannot help, unlike a database that is down (1): the image must be
   * rebuilt from the deployed specs, or the deployment pointed at the right image.
   */
  refused: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
