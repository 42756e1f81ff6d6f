/**
 * The IAM the deployment grants, as data: the runtime account gets `roles/cloudsql.client` on the
 * project, conditioned on the app's own instance, and `secretAccessor` on exactly its own secrets (secret-level bindings, never
 * project-level); on the audit witness's bucket it may create objects and read them, never delete or
 * overwrite one; invokers come from the exposure decision; the scheduler's account may only
 * invoke the service. Additive members only (never authoritative bindings or policies), so the
 * deployment never removes a grant someone else made. Pure: no Pulumi imports.
 */

export const ROLES = {
  cloudSqlClient: "roles/cloudsql.client",
  secretAccessor: "roles/secretmanager.secretAccessor",
  runInvoker: "roles/run.invoker",
  storageObjectCreator: "roles/storage.objectCreator",
  storageObjectViewer: "roles/storage.objectViewer",
} as const;

/**
 * The runtime account's roles on the audit witness's bucket, and on that bucket only: creating
 * objects (a checkpoint), and reading them — when an upload finds its checkpoint already there
 * (a retry after a crash), the witness compares the stored copy with its own. Neither role may
 * delete or overwrite an object (overwriting needs storage.objects.delete), and the bucket's
 * retention policy refuses both to everyone anyway.
 */
export const WITNESS_BUCKET_ROLES: readonly string[] = [ROLES.storageObjectCreator, ROLES.storageObjectViewer];

/** The only project-level roles the runtime account holds, each limited to the app's instance by `instanceCondition`. */
export const RUNTIME_PROJECT_ROLES: readonly string[] = [ROLES.cloudSqlClient];

export interface IamCondition {
  title: string;
  description: string;
  expression: string;
}

/**
 * Cloud SQL roles are granted on the project (Cloud SQL has no instance-level IAM policy), so an
 * IAM condition on the instance's resource name is what keeps the runtime account from reaching
 * the project's other instances — the form Cloud SQL documents for IAM Conditions.
 */
export function instanceCondition(project: string, instance: string): IamCondition {
  return {
    title: `only ${instance}`.slice(0, 100),
    description: `Fascia: the executor connects to its own Cloud SQL instance ${instance} only`,
    expression: `resource.name == "projects/${project}/instances/${instance}" && resource.service == "sqladmin.googleapis.com"`,
  };
}

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
