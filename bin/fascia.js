#!/usr/bin/env node
// The published entry point runs the compiled CLI. In a clone, `npm install` builds it (prepare).
let cli;
try {
  cli = require("../dist/cli/main.js");
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist/cli/main")) {
    process.stderr.write("fascia: not built yet; run `npm install` (or `npm run build`) in the package folder\n");
    process.exit(2);
  }
  throw error;
}
cli.runCli(process.argv.slice(2)).then((code) => process.exit(code));
