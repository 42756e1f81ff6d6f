/**
 * How a dynamic provider's functions reach Fascia's own modules. Pulumi serializes those
 * functions with everything they capture and runs them in a separate plain-Node process. Fascia's
 * modules (zod, CEL, the compilers, the image builder) cannot be serialized, and a module of an
 * installed package would be captured as a require of its package subpath, which package.json
 * `exports` refuses (test/package/pack.test.ts runs it installed). So a provider's functions
 * capture no module, only a loader made here: a closure over absolute paths that requires the
 * module there — the module itself or, when the program runs from TypeScript sources, its build
 * under dist/ (`npm run build`), since that process has no TypeScript loader.
 */
import { join, relative } from "node:path";

/** Where the module at `resolvedPath` (require.resolve'd by the caller) can be required from: itself, or its dist/ build. */
export function modulePaths(resolvedPath: string): readonly string[] {
  if (!resolvedPath.endsWith(".ts")) return [resolvedPath];
  const root = join(__dirname, "..");
  return [resolvedPath, join(root, "dist", relative(root, resolvedPath)).replace(/\.ts$/, ".js")];
}

/**
 * A function that requires the first of `paths` that loads. It refers to nothing but its own
 * arguments and `require` (which Pulumi never captures), so it serializes as it is.
 */
export function loaderByPath<T>(paths: readonly string[], what: string): () => T {
  return () => {
    const errors: string[] = [];
    for (const path of paths) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path in the provider process
        return require(path) as T;
      } catch (error) {
        errors.push(`${path}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    throw new Error(`cannot load ${what} (run \`npm run build\` when deploying from TypeScript sources): ${errors.join("; ")}`);
  };
}
