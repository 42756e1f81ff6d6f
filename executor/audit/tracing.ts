/**
 * Whether invocations record their per-node trace (flow-trace.ts): always, in the executor. A
 * constant rather than a setting on purpose — no deployment can turn part of its audit record off.
 * Its own module so that the benchmark can bundle an untraced executor as its baseline (esbuild
 * replaces this module there: bench/executor/untraced.ts) and measure what tracing costs.
 */
export const TRACING: boolean = true;
