/**
 * Which credentials reach which registry in one build and push, from the environment: the same
 * rules for `fascia image --push` and for the ExecutorImagePush resource, whose provider runs in
 * the process the Pulumi CLI starts and so sees the CLI's environment. Credentials never pass
 * through a resource's inputs, so they never reach the Pulumi state.
 *
 *   FASCIA_REGISTRY_USERNAME, FASCIA_REGISTRY_PASSWORD  the push's registry (and the base's, when
 *       it is the same registry); unset: Application Default Credentials for a Google registry
 *   FASCIA_REGISTRY_CA_FILE  extra PEM certificate(s) trusted for TLS (a private registry)
 */
import { readFileSync } from "node:fs";
import { parseImageRef, parseRepository } from "./reference";
import type { RegistryAccess } from "./registry-auth";

export const REGISTRY_ENV = {
  username: "FASCIA_REGISTRY_USERNAME",
  password: "FASCIA_REGISTRY_PASSWORD",
  caFile: "FASCIA_REGISTRY_CA_FILE",
} as const;

export interface RegistryAccesses {
  /** For the repository pushed to. */
  push: RegistryAccess;
  /** For reading the base image. */
  base: RegistryAccess;
}

/**
 * The accesses of a build on `base` pushed to `repository` (none: a layout is written). `ca`
 * (e.g. from --ca-file) wins over FASCIA_REGISTRY_CA_FILE. Throws ImageReferenceError for a
 * malformed base or repository.
 */
export function registryAccesses(base: string, repository: string | undefined, env: NodeJS.ProcessEnv, ca?: Buffer): RegistryAccesses {
  const caFile = env[REGISTRY_ENV.caFile];
  const trusted = ca ?? (caFile ? readFileSync(caFile) : undefined);
  const tls: RegistryAccess = trusted ? { ca: trusted } : {};
  const baseRef = parseImageRef(base);
  if (repository === undefined) return { push: tls, base: tls };
  const target = parseRepository(repository);
  const username = env[REGISTRY_ENV.username];
  const password = env[REGISTRY_ENV.password];
  const push: RegistryAccess = { ...tls, ...(username || password ? { username: username ?? "", password: password ?? "" } : {}) };
  // The same registry: the same credentials read the base (and let its layers be mounted).
  const sameRegistry = baseRef.kind === "registry" && baseRef.registry === target.registry;
  return { push, base: sameRegistry ? push : tls };
}
