/** Tests are TypeScript run through ts-jest without type checking (isolatedModules):
 * `npm run typecheck` is the type gate, which keeps each test file at ~1 s. */
const { availableParallelism } = require("node:os");

module.exports = {
  testEnvironment: "node",
  // Most test files wait more than they compute (PostgreSQL, PGlite, child processes, Chromium), so
  // one file per core keeps the cores busy where Jest's default (cores − 1) leaves one of two idle:
  // on the 2-core CI machine the suite takes about half the time (~7 instead of ~14 minutes).
  maxWorkers: Math.max(2, availableParallelism()),
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  setupFiles: ["<rootDir>/test/support/fast-check-seed.ts"],
  // Installs what the image tests drive (docker-registry, skopeo, umoci, htpasswd): scripts/test-tools.sh.
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  transform: {
    // cel-js, jose and cookie (via fastify inject) ship ESM only; Jest's module system needs it as CommonJS.
    "^.+\\.[tj]s$": ["ts-jest", { tsconfig: { isolatedModules: true, allowJs: true, module: "commonjs" }, diagnostics: false }],
  },
  // The example stack imports the package by name, as a user's program does. Node and tsc resolve
  // that self-reference through package.json `exports` (to dist/, and back to the sources for
  // tsc); Jest's resolver does not, and tests run on the sources, so the name maps to the entry.
  // What the published package resolves to is test/package/pack.test.ts's business.
  moduleNameMapper: { "^@fascia/pulumi$": "<rootDir>/index.ts" },
  transformIgnorePatterns: ["/node_modules/(?!(@marcbachmann/cel-js|jose|cookie)/)"],
  testTimeout: 60000,
};
