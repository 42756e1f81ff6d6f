import { existsSync } from "node:fs";
import type { Command } from "commander";
import { writeAppImage } from "../../build/app-image";
import { ENV } from "../../contracts/environment";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { reportBuildFailure } from "./image-failure";

export function registerBuild(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("build")
    .description(
      "Compile the app below <dir> into an image folder: manifest.json, the executor bundle (executor.js) and a Dockerfile; exit 1, writing nothing, when a tool may not deploy",
    )
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .requiredOption("--out <dir>", "folder to write into (created when missing; its files of the same names are replaced)")
    .action(async (dir: string, options: { out: string }) => {
      if (!existsSync(dir)) {
        io.err(`fascia build: ${dir} does not exist`);
        return setExit(EXIT.usage);
      }
      try {
        const image = await writeAppImage(dir, options.out);
        const { specs } = image.manifest;
        io.out(`${image.manifestFile}: ${specs.entities.length} entities, ${specs.tools.length} tools, ${specs.policies.length} policies`);
        io.out(`${image.bundle.file}: ${(image.bundle.bytes / 1024 / 1024).toFixed(1)} MiB, ${image.bundle.how}`);
        io.out(`${image.dockerfile}: docker build -t <registry>/executor:<tag> ${options.out}`);
        // The executor refuses to run under any other FASCIA_PLAN_HASH; `pulumi stack output planHash` shows the deployment's.
        io.out(`plan hash ${image.planHash}: the ${ENV.planHash} of a deployment of these specs`);
        setExit(EXIT.ok);
      } catch (error) {
        reportBuildFailure("build", error, io, setExit);
      }
    });
}
