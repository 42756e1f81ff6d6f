/**
 * FasciaExecutorImage: the executor image of an app, built and pushed without a Docker daemon.
 * The image is the base (pinned by digest; default a distroless Node.js image) plus one
 * reproducible layer holding the executor bundle and the app's compiled manifest
 * (build/oci/executor-image.ts). Its digest is computed while the program runs, at preview as at
 * update, so a spec change shows as one image replacement and an unchanged app as none. The push
 * itself happens at update, in the ExecutorImagePush resource, over the registry HTTP API with a
 * Google token from Application Default Credentials for Artifact Registry.
 *
 * FasciaDeployment creates one for its own Artifact Registry repository unless given `image`;
 * a program that builds images elsewhere (one repository for many apps, a CI pipeline) uses it on
 * its own and hands `imageRef` to FasciaDeployment's `image`.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_BASE_IMAGE, planExecutorImage } from "../build/oci/executor-image";
import { ExecutorImagePush } from "../provider/executor-image-push";
import { specSetRefusal } from "./governance";
import { inputFailure, known, specsArg } from "./inputs";
import { childName } from "./naming";
import { asDocuments } from "./spec-input";
import { assessSpecs } from "../risk/engine";

export const FASCIA_EXECUTOR_IMAGE_TYPE = "fascia:index:FasciaExecutorImage";

export interface FasciaExecutorImageArgs {
  /** Spec documents as objects (the same shape as the YAML). One of `specs` or `specDir`. */
  specs?: pulumi.Input<unknown[]>;
  /** A directory of YAML/JSON spec files. */
  specDir?: pulumi.Input<string>;
  /** Where the image is pushed, `HOST/PATH`: e.g. `europe-west1-docker.pkg.dev/acme/app-images/executor`. */
  repository: pulumi.Input<string>;
  /**
   * The base image, pinned by digest (`REGISTRY/REPO[:TAG]@sha256:…`) or an OCI image layout on
   * disk (`oci:DIR[:TAG]`). Default: a distroless Node.js 20 image (DEFAULT_BASE_IMAGE).
   */
  base?: pulumi.Input<string>;
}

export class FasciaExecutorImage extends pulumi.ComponentResource {
  /** `repository@sha256:…`: what Cloud Run runs. */
  public readonly imageRef: pulumi.Output<string>;
  /** `sha256:…` of the image manifest, known at preview. */
  public readonly digest: pulumi.Output<string>;
  public readonly repository: pulumi.Output<string>;
  /** The plan hash of the manifest in the image: the FASCIA_PLAN_HASH its executor accepts. */
  public readonly planHash: pulumi.Output<string>;
  public readonly push: ExecutorImagePush;

  constructor(name: string, args: FasciaExecutorImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FASCIA_EXECUTOR_IMAGE_TYPE, name, {}, opts);
    const who = `FasciaExecutorImage ${name}`;
    const fail = inputFailure(who);
    const specs = specsArg(who, args, fail, this);
    // The same rule `pulumi preview` applies to a deployment: an image that could run without it must not exist.
    const refusal = specSetRefusal(assessSpecs(specs));
    if (refusal !== undefined) throw new pulumi.ResourceError(refusal, this, true);
    const base = known(args.base, "base", fail) ?? DEFAULT_BASE_IMAGE;
    // The documents, not the directory, travel to the push: it rebuilds from exactly what was planned.
    const documents = asDocuments(specs);
    // The manifest's `source` is the component's name, never a path of the machine that built it.
    const source = who;
    // Only the two strings: an Output walks every member of its value, and the plan holds megabytes of Buffers.
    const plan = pulumi.output(planExecutorImage({ documents, source, base }).then(({ digest, planHash }) => ({ digest, planHash })));
    this.push = new ExecutorImagePush(
      childName(name, "push"),
      { repository: args.repository, digest: plan.digest, base, source, documents },
      { parent: this },
    );
    // What the image resource reports, so whoever runs the image waits for the push.
    this.repository = this.push.repository;
    this.digest = this.push.digest;
    this.imageRef = pulumi.interpolate`${this.push.repository}@${this.push.digest}`;
    this.planHash = plan.planHash;
    this.registerOutputs({ imageRef: this.imageRef, digest: this.digest, repository: this.repository, planHash: this.planHash });
  }
}
