/**
 * What the executor bundle leaves out of its dependencies because the executor never runs it, so
 * that Node neither reads nor compiles it at every cold start (docs/executor.md, "Cold start"):
 *
 *   - fastify's JSON-schema compilers, @fastify/ajv-compiler (ajv, ajv-formats) and
 *     @fastify/fast-json-stringify-compiler (fast-json-stringify): the executor validates with zod
 *     and its routes carry no schema; executor/server/build-server.ts gives fastify compilers of
 *     its own, so fastify never requires these. Each is replaced by a module that throws, naming
 *     why, if anything ever calls it;
 *   - zod's error-message locales but English (zod v4 pulls them all through `z.locales`): the
 *     executor's messages are English, set by zod itself at load.
 *
 * ~1.7 MiB of the ~4.4 MiB bundle. An esbuild plugin (esbuild is a development dependency, so this
 * module only describes the plugin; bundle-executor.ts hands it to esbuild).
 */

/** The part of esbuild's plugin interface used here (esbuild's own types, without importing it). */
export interface EsbuildPlugin {
  name: string;
  setup(build: {
    onResolve(
      options: { filter: RegExp },
      callback: (args: { path: string; importer: string }) => { path: string; namespace: string } | undefined,
    ): void;
    onLoad(
      options: { filter: RegExp; namespace?: string },
      callback: (args: { path: string }) => { contents: string; loader: "js"; resolveDir?: string },
    ): void;
  }): void;
}

/** Packages replaced by a module that throws when called. */
export const STUBBED_MODULES = ["@fastify/ajv-compiler", "@fastify/fast-json-stringify-compiler"] as const;

const NAMESPACE = "fascia-executor-stub";

function throwingModule(name: string): string {
  const message =
    `${name} is not in the Fascia executor bundle: the executor validates with zod and registers no fastify route schema ` +
    '(build/executor-stubs.ts, docs/executor.md "Cold start")';
  return `"use strict";
const refuse = () => { throw new Error(${JSON.stringify(message)}); };
module.exports = refuse;
module.exports.default = refuse;
module.exports.StandaloneSerializer = refuse;
module.exports.StandaloneValidator = refuse;
module.exports.SerializerSelector = refuse;
module.exports.ValidatorSelector = refuse;
`;
}

export const executorStubs: EsbuildPlugin = {
  name: "fascia-executor-stubs",
  setup(build) {
    const names = STUBBED_MODULES.map((m) => m.replace(/[/@.-]/g, (c) => `\\${c}`)).join("|");
    build.onResolve({ filter: new RegExp(`^(${names})(/.*)?$`) }, (args) => ({ path: args.path, namespace: NAMESPACE }));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: throwingModule(args.path), loader: "js" }));
    // zod v4's locales index re-exports every language; only English is used (zod/v4/classic sets it).
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: "js",
      resolveDir: args.path.replace(/[\\/]index\.js$/, ""),
    }));
  },
};
