/**
 * `npm run bench [filter…]`: runs every bench/*.bench.ts module in turn (or those whose file name
 * contains a filter) and prints one table. Each module exports `name` and `run()`; targets are
 * checked by the modules against baselines measured in the same run, never against fixed clocks
 * in tests. Exits 1 when a target is missed.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BenchModule, BenchResult } from "./result";

interface Row extends BenchResult {
  bench: string;
}

async function main(filters: readonly string[]): Promise<number> {
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts") && (filters.length === 0 || filters.some((x) => f.includes(x))))
    .sort();
  if (files.length === 0) {
    console.error(`no benchmark matches ${filters.join(", ")}`);
    return 2;
  }
  const rows: Row[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(__dirname, file)).href)) as Partial<BenchModule>;
    if (typeof module.name !== "string" || typeof module.run !== "function") throw new Error(`${file} must export name and run()`);
    console.error(`running ${file} (${module.name})…`);
    for (const result of await module.run()) rows.push({ bench: module.name, ...result });
  }
  console.log(table(rows));
  const missed = rows.filter((r) => r.ok === false);
  if (missed.length) console.log(`\n${missed.length} target(s) missed: ${missed.map((r) => `${r.bench} / ${r.name}`).join("; ")}`);
  return missed.length ? 1 : 0;
}

function table(rows: readonly Row[]): string {
  const header = ["benchmark", "measurement", "value", "target", ""];
  const cells = rows.map((r) => [
    r.bench,
    r.name,
    `${r.value} ${r.unit}`,
    r.target ?? "",
    r.ok === undefined ? "" : r.ok ? "met" : "MISSED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
