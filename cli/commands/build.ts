import { existsSync } from "node:fs";
import type { Command } from "commander";
import { writeAppImage } from "../../build/app-image";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";

export function registerBuild(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("build")
    .description("Compile the app below <dir> into an image folder: manifest.json, the executor bundle (executor.js) and a Dockerfile")
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .requiredOption("--out <dir>", "folder to write into (created when missing; its files of the same names are replaced)")
    .action(async (dir: string, options: { out: string }) => {
      if (!existsSync(dir)) {
        io.err(`fascia build: ${dir} does not exist`);
        return setExit(EXIT.usage);
      }
      try {
        const image = await writeAppImage(dir, options.out);
        const { specs, risk } = image.manifest;
        const notDeployable = Object.entries(risk)
          .filter(([, r]) => !r.deployable)
          .map(([name, r]) => `${name} (${r.level})`);
        io.out(`${image.manifestFile}: ${specs.entities.length} entities, ${specs.tools.length} tools, ${specs.policies.length} policies`);
        io.out(`${image.bundle.file}: ${(image.bundle.bytes / 1024 / 1024).toFixed(1)} MiB, ${image.bundle.how}`);
        io.out(`${image.dockerfile}: docker build -t <registry>/executor:<tag> ${options.out}`);
        if (notDeployable.length)
          io.err(
            `fascia build: warning: the deployment will refuse these tools until their findings are fixed or acknowledged: ${notDeployable.join(", ")}`,
          );
        setExit(EXIT.ok);
      } catch (error) {
        io.err(`fascia build: ${(error as Error).message}`);
        setExit(EXIT.failed);
      }
    });
}
