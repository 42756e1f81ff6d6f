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
// A reader that stops early (`fascia validate … | head`) closes the pipe: the rest of the output has
// nowhere to go, which is no error of the command's, so it is dropped and the command ends with its own exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code !== "EPIPE") throw error;
    stream.write = () => true;
  });
}
cli.runCli(process.argv.slice(2)).then((code) => process.exit(code));
