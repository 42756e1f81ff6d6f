/**
 * FasciaExecutorImage under Pulumi mocks: the digest and plan hash it reports are the ones
 * planExecutorImage computes for the same spec documents, base and source (the component's name),
 * so a preview shows the image the update pushes; its ExecutorImagePush child carries exactly
 * what the provider needs to rebuild and check that digest. Specs that may not deploy stop the
 * component before any child exists. The base is a umoci-made OCI layout (no network).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { FasciaExecutorImage } from "../../components/fascia-executor-image";
import { asDocuments, specsFromDir } from "../../components/spec-input";
import { planExecutorImage } from "../../build/oci/executor-image";
import { packageRoot } from "../../build/bundle-executor";
import { makeBaseLayout } from "../support/oci-base";
import { createRecordingMocks, settle, unwrap, valueOf } from "./support/recording-mocks";
import { GREEN_TOOL, ITEM, RED_TOOL } from "./support/small-app";

const { mocks, resources } = createRecordingMocks();
const REPOSITORY = "europe-west1-docker.pkg.dev/acme-prod/app-images/executor";
let work: string;
let base: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "fascia-image-component-"));
  base = makeBaseLayout(join(work, "base"));
  await pulumi.runtime.setMocks(mocks, "fascia", "prod", false);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test("reports the digest and plan hash planExecutorImage computes, and hands the push what rebuilds it", async () => {
  const specDir = join(packageRoot(), "examples", "reservations");
  const image = new FasciaExecutorImage("shop", { specDir, repository: REPOSITORY, base });
  const [digest, planHash, imageRef] = await Promise.all([valueOf(image.digest), valueOf(image.planHash), valueOf(image.imageRef)]);
  await settle();
  const documents = asDocuments(specsFromDir(specDir));
  const plan = await planExecutorImage({ documents, source: "FasciaExecutorImage shop", base });
  expect(digest).toBe(plan.digest);
  expect(planHash).toBe(plan.planHash);
  expect(imageRef).toBe(`${REPOSITORY}@${plan.digest}`);
  const push = resources.find((r) => r.type.endsWith("fascia:ExecutorImagePush"));
  expect(unwrap(push?.inputs)).toMatchObject({
    repository: REPOSITORY,
    digest: plan.digest,
    base,
    source: "FasciaExecutorImage shop",
    documents,
  });
});

test("specs that may not deploy stop it before any child exists", () => {
  const before = resources.length;
  expect(() => new FasciaExecutorImage("red", { specs: [ITEM, GREEN_TOOL, RED_TOOL], repository: REPOSITORY, base })).toThrow(
    /may not deploy/,
  );
  expect(resources.length).toBe(before);
});
