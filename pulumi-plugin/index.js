// The program Pulumi's Node.js language host runs for this plugin folder (PulumiPlugin.yaml): it
// starts the component provider (plugin/main.ts, compiled to dist/) with the engine's address,
// which the host passes as the program's arguments. Exports nothing, so the host starts no
// inferred provider of its own.
require("../dist/plugin/main.js")
  .runPlugin(process.argv.slice(2))
  .catch((error) => {
    process.stderr.write(`pulumi-resource-fascia: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
