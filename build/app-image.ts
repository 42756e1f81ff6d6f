/**
 * What `fascia build <dir> --out <dir>` writes: the folder a container image of the app is built
 * from — the compiled manifest, the executor bundle and a Dockerfile. The image holds no
 * node_modules: the bundle is the whole program (PGlite and pg-native stay out, see
 * bundle-executor.ts), so it is small and starts fast.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { governedApp } from "./governed-app";
import { validSpecs } from "../loader/invalid-specs";
import { loadSpecDir } from "../loader/load";
import { writeManifest, type AppManifest } from "../executor/app/manifest";
import { BUNDLE_FILE, provideExecutorBundle, type BundleResult } from "./bundle-executor";
import { DEFAULT_BASE_IMAGE } from "./oci/base-image";

export const MANIFEST_FILE = "manifest.json";
export const DOCKERFILE = "Dockerfile";

export function dockerfileText(source: string): string {
  return `# The Fascia executor image of ${source}, written by \`fascia build\` (docs/executor.md).
# Build and push it, then deploy it by digest (a tag is refused):
#   docker build -t REGION-docker.pkg.dev/PROJECT/REPO/executor:TAG .
#   docker push REGION-docker.pkg.dev/PROJECT/REPO/executor:TAG
#   pulumi config set image REGION-docker.pkg.dev/PROJECT/REPO/executor@sha256:DIGEST
# The same image serves (FASCIA_RUN=serve, the default) and runs the migration job (FASCIA_RUN=migrate);
# every other setting comes from the environment (docs/executor-config.md).
FROM ${DEFAULT_BASE_IMAGE}
ENV NODE_ENV=production \\
    FASCIA_APP_MANIFEST=/app/${MANIFEST_FILE} \\
    PORT=8080
WORKDIR /app
COPY ${BUNDLE_FILE} ${BUNDLE_FILE}.map ${MANIFEST_FILE} ./
USER nonroot
EXPOSE 8080
# The base's Entrypoint is node (/nodejs/bin/node; distroless has no shell), so CMD is the program.
# exec form: node is PID 1 and receives Cloud Run's SIGTERM (the executor drains, then exits).
# The bundle is not minified, so stack traces are readable as they are; ${BUNDLE_FILE}.map maps them
# to the TypeScript sources offline, or live with NODE_OPTIONS=--enable-source-maps (which costs
# about 0.3 s of every cold start: Node parses the whole map at load).
CMD ["/app/${BUNDLE_FILE}"]
`;
}

export interface AppImage {
  manifest: AppManifest;
  /** The manifest's plan hash: the FASCIA_PLAN_HASH a deployment of the same specs sets. */
  planHash: string;
  manifestFile: string;
  bundle: BundleResult;
  dockerfile: string;
}

/**
 * Compiles the specs below `specDir` and writes the image folder. Throws, having written nothing:
 * InvalidSpecsError listing every diagnostic, NotDeployableError when a tool may not deploy (the
 * rule `pulumi preview` applies), or ManifestError.
 */
export async function writeAppImage(specDir: string, outDir: string): Promise<AppImage> {
  const { manifest, planHash } = governedApp(validSpecs(loadSpecDir(specDir), specDir), specDir);
  const bundle = await provideExecutorBundle(outDir);
  const manifestFile = join(outDir, MANIFEST_FILE);
  writeManifest(manifestFile, manifest);
  const dockerfile = join(outDir, DOCKERFILE);
  writeFileSync(dockerfile, dockerfileText(manifest.source));
  return { manifest, planHash, manifestFile, bundle, dockerfile };
}
