/**
 * The benchmark's baseline for what the per-node trace costs: the executor bundled with
 * executor/audit/tracing.ts replaced by `TRACING = false`, so its invocations run exactly as
 * before the trace existed (no recorder, no `trace` in the audit body). Only the benchmark builds
 * it; the shipped executor has no switch that turns its trace off.
 */
import type { EsbuildPlugin } from "../../build/executor-stubs";

export const untracedExecutor: EsbuildPlugin = {
  name: "fascia-bench-untraced",
  setup(build) {
    build.onLoad({ filter: /[\\/]executor[\\/]audit[\\/]tracing\.ts$/ }, () => ({
      contents: "export const TRACING = false;",
      loader: "js",
    }));
  },
};
