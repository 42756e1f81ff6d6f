import { existsSync } from "node:fs";
import type { Command } from "commander";
import { loadSpecDir } from "../../loader/load";
import { didYouMean } from "../../loader/suggest";
import { compileTool } from "../../compiler/flow/compile";
import { assessTool, entityMap } from "../../risk/engine";
import { flowMermaid } from "../../risk/report/mermaid";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { printSpecErrors } from "./spec-errors";

export function registerGraph(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("graph")
    .description("Print a tool's flow as a Mermaid flowchart, its nodes marked with their risk findings")
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .argument("<tool>", "the tool's name")
    .addHelpText(
      "after",
      "\nMarks: ⛔ Red finding, ⚠ unacknowledged Yellow, ✔ acknowledged Yellow. Paste the output into any Mermaid renderer.",
    )
    .action((dir: string, toolName: string) => {
      if (!existsSync(dir)) {
        io.err(`fascia graph: ${dir} does not exist`);
        return setExit(EXIT.usage);
      }
      const loaded = loadSpecDir(dir);
      if (!loaded.ok) {
        printSpecErrors(io, loaded.diagnostics, dir, "graph");
        return setExit(EXIT.failed);
      }
      const tool = loaded.specs.tools.get(toolName);
      if (!tool) {
        const names = [...loaded.specs.tools.keys()].sort();
        io.err(`fascia graph: no tool "${toolName}" in ${dir}${didYouMean(toolName, names)} (tools: ${names.join(", ") || "none"})`);
        return setExit(EXIT.usage);
      }
      io.out(flowMermaid(assessTool(compileTool(tool.spec, entityMap(loaded.specs)))));
      setExit(EXIT.ok);
    });
}
