import { existsSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { compileSpecSet } from "../../build/compile-app";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import { manifestPlanHash, ManifestError } from "../../executor/app/manifest";
import { loadSpecDir } from "../../loader/load";
import { openApiDocument } from "../../openapi/document";
import type { CliIO } from "../io";
import { printSpecErrors } from "./spec-errors";

export function registerOpenapi(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("openapi")
    .description("Print (or write) the OpenAPI 3.1 document of the app's HTTP and webhook tools, as the executor serves them")
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .option("--out <file>", "write the document to this file instead of stdout")
    .action((dir: string, options: { out?: string }) => {
      if (!existsSync(dir)) {
        io.err(`fascia openapi: ${dir} does not exist`);
        return setExit(EXIT.usage);
      }
      const loaded = loadSpecDir(dir);
      if (!loaded.ok) {
        printSpecErrors(io, loaded.diagnostics, dir, "openapi");
        return setExit(EXIT.failed);
      }
      let text: string;
      try {
        // The same manifest the executor would run, so the document (and its version, the plan hash) is the one it serves.
        const manifest = compileSpecSet(loaded.specs, dir);
        const document = openApiDocument({
          title: basename(resolve(dir)),
          version: manifestPlanHash(manifest),
          tools: manifest.specs.tools,
          plans: manifest.plans,
        });
        text = `${JSON.stringify(document, null, 2)}\n`;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        io.err(`fascia openapi: ${error.message}`);
        return setExit(EXIT.failed);
      }
      if (options.out) {
        writeFileSync(options.out, text);
        io.out(`wrote ${options.out}`);
      } else io.out(text.trimEnd());
      setExit(EXIT.ok);
    });
}
