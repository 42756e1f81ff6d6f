/** What a benchmark module reports, one row per measurement; `npm run bench` prints them as a table. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The target, as people read it (`< 2000 ms`, `≤ 2.2`). */
  target?: string;
  /** Whether the target was met; absent when the row has no target. */
  ok?: boolean;
}

/** Every bench/*.bench.ts exports this shape. */
export interface BenchModule {
  name: string;
  run(): Promise<BenchResult[]>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
