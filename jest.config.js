/** Tests are TypeScript run through ts-jest without type checking (isolatedModules):
 * `npm run typecheck` is the type gate, which keeps each test file at ~1 s. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  setupFiles: ["<rootDir>/test/support/fast-check-seed.ts"],
  transform: {
    // cel-js, jose and cookie (via fastify inject) ship ESM only; Jest's module system needs it as CommonJS.
    "^.+\\.[tj]s$": ["ts-jest", { tsconfig: { isolatedModules: true, allowJs: true, module: "commonjs" }, diagnostics: false }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(@marcbachmann/cel-js|jose|cookie)/)"],
  testTimeout: 60000,
};
