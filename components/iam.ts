/**
 * The IAM the deployment grants, as data: the runtime account gets `roles/cloudsql.client` on the
 * project and `secretAccessor` on exactly its own secrets (secret-level bindings, never
 * project-level); invokers come from the exposure decision; the scheduler's account may only
 * invoke the service. Additive members only (never authoritative bindings or policies), so the
 * deployment never removes a grant someone else made. Pure: no Pulumi imports.
 */

export const ROLES = {
  cloudSqlClient: "roles/cloudsql.client",
  secretAccessor: "roles/secretmanager.secretAccessor",
  runInvoker: "roles/run.invoker",
} as const;

/** The only project-level roles the runtime account holds. */
export const RUNTIME_PROJECT_ROLES: readonly string[] = [ROLES.cloudSqlClient];

export function serviceAccountMember(email: string): string {
  return `serviceAccount:${email}`;
}

export interface SecretGrant {
  /** The logical key of the secret (spec secret name, or `db-password`). */
  key: string;
  role: string;
}

/** One secretAccessor grant per secret the executor reads, and nothing else. */
export function runtimeSecretGrants(secretKeys: readonly string[]): SecretGrant[] {
  return [...new Set(secretKeys)].sort().map((key) => ({ key, role: ROLES.secretAccessor }));
}
