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
 * And one probe of pg's, settled for Node: pg/lib/stream.js asks at load whether it runs in a
 * Cloudflare Worker by building a `Response`, which on Node 20 loads the whole of undici (fetch)
 * before the first connection (~20 ms of a cold start); the bundle runs on Node only.
 *
 * ~1.7 MiB of the ~4.4 MiB bundle. An esbuild plugin (esbuild is a development dependency, so this
 * module only describes the plugin; bundle-executor.ts hands it to esbuild).
 */

import { readFileSync } from "node:fs";
import { dirname } from "node:path";

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
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const probe = "if (isCloudflareRuntime()) {";
      // A pg upgrade that moves the probe fails the build here, instead of silently keeping it.
      if (!source.includes(probe)) throw new Error(`${args.path} no longer has \`${probe}\`: review build/executor-stubs.ts`);
      return { contents: source.replace(probe, "if (false) {"), loader: "js", resolveDir: dirname(args.path) };
    });
    // zod v4's locales index re-exports every language; only English is used (zod/v4/classic sets it).
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: "js",
      resolveDir: args.path.replace(/[\\/]index\.js$/, ""),
    }));
  },
};
