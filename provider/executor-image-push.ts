/**
 * The executor image in a registry: a dynamic resource whose id is `repository@sha256:…`.
 * The program computes the image's digest at preview (the build is deterministic:
 * build/oci/executor-image.ts), so the preview already shows whether the image changes; `create`
 * builds the same image again from the same spec documents, checks it has that digest, and
 * pushes it with the credentials of build/oci/registry-access.ts (the environment, else
 * Application Default Credentials for Artifact Registry). Images are content-addressed and never
 * changed in place, so any change is a replacement; delete leaves the image in the registry, where
 * the revisions and migration runs of earlier deploys (and a rollback to them) still need it — the
 * registry's cleanup policy prunes it.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Builder from "../build/oci/executor-image";
import type * as Access from "../build/oci/registry-access";
import { loaderByPath, modulePaths } from "./load-by-path";

/** The image builder is required by path in the provider process (load-by-path.ts says why). */
const loadBuilder = loaderByPath<typeof Builder>(modulePaths(require.resolve("../build/oci/executor-image")), "the Fascia image builder");
const loadAccess = loaderByPath<typeof Access>(modulePaths(require.resolve("../build/oci/registry-access")), "the Fascia registry access");

export interface ExecutorImagePushInputs {
  /** `HOST/PATH` the image is pushed to, e.g. `europe-west1-docker.pkg.dev/acme/app-images/executor`. */
  repository: string;
  /** `sha256:…` of the image manifest, computed by the program. */
  digest: string;
  /** The base image (pinned by digest, or an `oci:` layout). */
  base: string;
  /** The label the manifest carries as its `source`. */
  source: string;
  /** The spec documents the image is built from (with `kind`, as loadSpecObjects takes them). */
  documents: unknown[];
}

/** What the registry was asked to do for the push, as counts of blobs. */
export interface ExecutorImagePushOutputs extends Omit<ExecutorImagePushInputs, "documents"> {
  reference: string;
  uploaded: number;
  mounted: number;
  present: number;
}

/** Replacing on these alone: a change of the specs, the executor or the base is a change of digest. */
const IDENTITY = ["repository", "digest"] as const;

export const executorImagePushProvider = {
  async diff(_id: string, olds: ExecutorImagePushOutputs, news: ExecutorImagePushInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = IDENTITY.filter((key) => olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces: [...replaces], deleteBeforeReplace: false };
  },
  async create(inputs: ExecutorImagePushInputs): Promise<pulumi.dynamic.CreateResult<ExecutorImagePushOutputs>> {
    const builder = loadBuilder();
    // Credentials from the environment of the process the Pulumi CLI started (never from inputs, which the state keeps).
    const access = loadAccess().registryAccesses(inputs.base, inputs.repository, process.env);
    const plan = await builder.planExecutorImage({
      documents: inputs.documents,
      source: inputs.source,
      base: inputs.base,
      access: access.base,
    });
    if (plan.digest !== inputs.digest)
      throw new Error(
        `the executor image built now is ${plan.digest}, not the ${inputs.digest} the program computed: ` +
          "the specs, the base image or the Fascia package changed while the update ran; run it again",
      );
    const pushed = await builder.pushExecutorImage(plan, inputs.repository, { access: access.push, baseAccess: access.base });
    const { documents: _documents, ...kept } = inputs;
    return {
      id: pushed.reference,
      outs: {
        ...kept,
        reference: pushed.reference,
        uploaded: pushed.uploaded.length,
        mounted: pushed.mounted.length,
        present: pushed.present.length,
      },
    };
  },
  async delete(): Promise<void> {},
} satisfies pulumi.dynamic.ResourceProvider;

export interface ExecutorImagePushArgs {
  repository: pulumi.Input<string>;
  digest: pulumi.Input<string>;
  base: pulumi.Input<string>;
  source: pulumi.Input<string>;
  documents: pulumi.Input<unknown[]>;
}

export class ExecutorImagePush extends pulumi.dynamic.Resource {
  declare public readonly repository: pulumi.Output<string>;
  declare public readonly digest: pulumi.Output<string>;
  declare public readonly reference: pulumi.Output<string>;

  constructor(name: string, args: ExecutorImagePushArgs, opts?: pulumi.CustomResourceOptions) {
    super(executorImagePushProvider, name, { ...args, reference: undefined }, opts, "fascia", "ExecutorImagePush");
  }
}
