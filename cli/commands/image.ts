/**
 * `fascia image <dir> (--push REPOSITORY | --oci DIR)`: the executor image of the app below <dir>,
 * built without Docker (build/oci/executor-image.ts) and pushed to a registry or written as an OCI
 * image layout. A push prints its progress, then as its last line exactly `REPOSITORY@sha256:…`,
 * what a deployment's `image` takes. Credentials for the push come from FASCIA_REGISTRY_USERNAME
 * and FASCIA_REGISTRY_PASSWORD, else (Artifact Registry, gcr.io) Application Default Credentials
 * (build/oci/registry-access.ts, shared with the deployment's push).
 */
import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULT_BASE_IMAGE, planExecutorImage, pushExecutorImage, writeExecutorImageLayout } from "../../build/oci/executor-image";
import { ImageReferenceError } from "../../build/oci/reference";
import { REGISTRY_ENV, registryAccesses, type RegistryAccesses } from "../../build/oci/registry-access";
import { ENV } from "../../contracts/environment";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";
import { reportBuildFailure } from "./image-failure";

interface ImageOptions {
  base?: string;
  push?: string;
  oci?: string;
  tag?: string;
  caFile?: string;
}

export function registerImage(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("image")
    .description(
      "Build the executor image of the app below <dir> without Docker: push it to a registry (last line REPOSITORY@sha256:…) or write an OCI layout; exit 1, building nothing, when a tool may not deploy",
    )
    .argument("<dir>", "spec directory (YAML/JSON, searched recursively)")
    .option("--base <ref>", `base image, REGISTRY/REPO[:TAG]@sha256:… or oci:DIR[:TAG] (default ${DEFAULT_BASE_IMAGE})`)
    .option(
      "--push <repository>",
      `push to HOST/PATH (credentials: ${REGISTRY_ENV.username}, ${REGISTRY_ENV.password}, else Application Default Credentials)`,
    )
    .option("--oci <dir>", "write an OCI image layout into <dir> (created, or added to)")
    .option("--tag <tag>", "also tag the image (in the registry, or in the layout's index.json)")
    .option("--ca-file <pem>", "extra CA certificate(s) to trust for the registries' TLS")
    .action(async (dir: string, options: ImageOptions) => {
      const usage = (message: string) => {
        io.err(`fascia image: ${message}`);
        setExit(EXIT.usage);
      };
      if (!existsSync(dir)) return usage(`${dir} does not exist`);
      if (Boolean(options.push) === Boolean(options.oci)) return usage("give exactly one of --push REPOSITORY or --oci DIR");
      let ca: Buffer | undefined;
      if (options.caFile) {
        if (!existsSync(options.caFile)) return usage(`--ca-file ${options.caFile} does not exist`);
        ca = readFileSync(options.caFile);
      }
      const base = options.base ?? DEFAULT_BASE_IMAGE;
      let accesses: RegistryAccesses;
      try {
        accesses = registryAccesses(base, options.push, process.env, ca);
      } catch (error) {
        if (error instanceof ImageReferenceError) return usage(error.message);
        throw error;
      }
      const { push: pushAccess, base: baseAccess } = accesses;
      try {
        const plan = await planExecutorImage({ specDir: dir, base, access: baseAccess });
        const { specs } = plan.manifest;
        io.out(`planned ${plan.digest}: ${specs.entities.length} entities, ${specs.tools.length} tools, ${specs.policies.length} policies`);
        io.out(
          `base ${base} (${plan.baseImage.manifestDigest}), ${plan.baseLayers.length} layers; app layer ${plan.appLayer.descriptor.digest}`,
        );
        // The executor refuses to run under any other FASCIA_PLAN_HASH.
        io.out(`plan hash ${plan.planHash}: the ${ENV.planHash} of a deployment of these specs`);
        if (options.oci) {
          const written = await writeExecutorImageLayout(plan, options.oci, { baseAccess, ...(options.tag ? { tag: options.tag } : {}) });
          io.out(`wrote ${written.reference}@${written.digest}`);
          return setExit(EXIT.ok);
        }
        const pushed = await pushExecutorImage(plan, options.push!, {
          access: pushAccess,
          baseAccess,
          ...(options.tag ? { tag: options.tag } : {}),
        });
        io.out(
          `pushed: ${pushed.uploaded.length} blobs uploaded, ${pushed.mounted.length} mounted, ${pushed.present.length} already present${options.tag ? `; tagged ${options.tag}` : ""}`,
        );
        io.out(pushed.reference);
        setExit(EXIT.ok);
      } catch (error) {
        reportBuildFailure("image", error, io, setExit);
      }
    });
}
