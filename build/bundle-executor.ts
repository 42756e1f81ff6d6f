/**
 * The executor as ONE file: esbuild bundles executor/main.ts and everything it imports into
 * `executor.js` (CommonJS, node20, with `executor.js.map`), the artefact the Cloud Run image
 * carries next to the app's manifest. Left out, on purpose:
 *   - pg-native: pg's optional native binding, never used (pg's JavaScript client talks to Cloud SQL);
 *   - @electric-sql/pglite: PGlite is for local runs only (`pglite:` URLs), loaded on demand
 *     (executor/server/open-database.ts); bundling it would add ~27 MB of wasm and data files
 *     that esbuild cannot inline into one file.
 * esbuild is a development dependency: an installed package uses the bundle `npm run build`
 * produced (dist/executor/executor.js); a clone bundles from its sources.
 */
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { executorStubs, type EsbuildPlugin } from "./executor-stubs";

export const BUNDLE_FILE = "executor.js";
export const EXTERNAL_MODULES = ["pg-native", "@electric-sql/pglite", "@electric-sql/pglite/*"] as const;

export interface BundleResult {
  file: string;
  bytes: number;
  /** `bundled from sources` or `copied <prebuilt path>`. */
  how: string;
}

/** The package's root: the nearest folder above this module holding package.json. */
export function packageRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, "package.json"))) return dir;
  throw new Error(`no package.json above ${from}`);
}

type EsbuildBuild = (
  options: Record<string, unknown>,
) => Promise<{ warnings: { text: string }[]; outputFiles?: { path: string; contents: Uint8Array }[] }>;

function loadEsbuild(): EsbuildBuild | undefined {
  try {
    // A development dependency, so only required when bundling from sources.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("esbuild") as { build: EsbuildBuild }).build;
  } catch {
    return undefined;
  }
}

/** Bundles executor/main.ts into `<outDir>/executor.js` (+ `.map`). Needs the sources and esbuild. */
export async function bundleExecutor(
  outDir: string,
  options: { root?: string; minify?: boolean; plugins?: readonly EsbuildPlugin[] } = {},
): Promise<BundleResult> {
  const root = options.root ?? packageRoot();
  const entry = join(root, "executor", "main.ts");
  if (!existsSync(entry))
    throw new Error(
      `cannot bundle the executor: ${entry} does not exist (an installed package carries the prebuilt dist/executor/${BUNDLE_FILE})`,
    );
  return bundleNodeProgram({
    root,
    entry,
    outfile: join(outDir, BUNDLE_FILE),
    banner: "/* Fascia executor bundle: see docs/executor.md (The bundle and the image). */",
    // Dependencies the executor never runs, left out for its cold start (executor-stubs.ts).
    // (More plugins only for a variant built to be measured against: bench/executor/untraced.ts.)
    plugins: [executorStubs, ...(options.plugins ?? [])],
    ...(options.minify !== undefined ? { minify: options.minify } : {}),
  });
}

/** One Node 20 file (+ map) from a TypeScript entry, with the executor's settings (the benchmark bundles its baseline the same way). */
export async function bundleNodeProgram(options: {
  root: string;
  entry: string;
  outfile: string;
  minify?: boolean;
  banner?: string;
  plugins?: EsbuildPlugin[];
}): Promise<BundleResult> {
  const build = loadEsbuild();
  if (!build) throw new Error("cannot bundle the executor: esbuild is not installed (npm install in the Fascia folder)");
  mkdirSync(dirname(options.outfile), { recursive: true });
  // Bundled as if written into the package root, then written where asked: the map's `sources`
  // are relative to the output's folder, so they read `executor/main.ts` wherever the package and
  // the output are (the image built from the bundle must not depend on either path).
  const virtual = join(options.root, basename(options.outfile));
  const result = await build({
    absWorkingDir: options.root,
    entryPoints: [options.entry],
    outfile: virtual,
    write: false,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: true,
    minify: options.minify ?? false,
    // Not minified, so names stay readable in stack traces. keepNames is off on purpose: it wraps
    // every closure created at run time in a defineProperty call (~10% of an invocation's CPU).
    keepNames: false,
    external: [...EXTERNAL_MODULES],
    logLevel: "silent",
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.banner ? { banner: { js: options.banner } } : {}),
  });
  if (result.warnings.length)
    throw new Error(`esbuild warned while bundling ${options.entry}:\n${result.warnings.map((w) => `  - ${w.text}`).join("\n")}`);
  for (const output of result.outputFiles ?? []) writeFileSync(options.outfile + output.path.slice(virtual.length), output.contents);
  return { file: options.outfile, bytes: statSync(options.outfile).size, how: "bundled from sources" };
}

/**
 * `<outDir>/executor.js` from the sources when this is a clone with esbuild, else a copy of the
 * prebuilt bundle of the installed package.
 */
export async function provideExecutorBundle(outDir: string, root = packageRoot()): Promise<BundleResult> {
  if (existsSync(join(root, "executor", "main.ts")) && loadEsbuild()) return bundleExecutor(outDir, { root });
  const prebuilt = join(root, "dist", "executor", BUNDLE_FILE);
  if (!existsSync(prebuilt))
    throw new Error(
      `no executor bundle: ${prebuilt} is missing and there are no sources to bundle (run npm run build:executor in the Fascia folder)`,
    );
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, BUNDLE_FILE);
  copyFileSync(prebuilt, file);
  if (existsSync(`${prebuilt}.map`)) copyFileSync(`${prebuilt}.map`, `${file}.map`);
  return { file, bytes: statSync(file).size, how: `copied ${prebuilt}` };
}
