/**
 * The executor's environment, exactly as docs/executor-config.md lists it. Generic over the value
 * type so Pulumi outputs pass through untouched while this module stays free of Pulumi imports.
 * Secrets are only ever references (a Secret Manager secret and version), never values.
 */
import { ENV, secretEnvName, type RunMode } from "../contracts/environment";

/** Where Cloud Run mounts the Cloud SQL volume; the socket directory is below it. */
export const CLOUDSQL_MOUNT_PATH = "/cloudsql";

export interface SecretRef<V> {
  secret: V;
  version: V;
}

export type EnvEntry<V> = { name: string; value: V } | { name: string; secretRef: SecretRef<V> };

export interface ExecutorEnvInput<V> {
  socketDir: V;
  databaseName: V;
  databaseUser: V;
  passwordSecret: SecretRef<V>;
  /** The migration job's only: the user it grants row access to (the service's database user). */
  runtimeUser?: V;
  /** The service's only: the loopback port of /metrics. */
  metricsPort?: number;
  /** The service's only: how many proxies in front say the client's address (Cloud Run's front end is one). */
  trustProxyHops?: number;
  poolMax: number;
  /** Spec secret name → its Secret Manager reference. */
  secrets: ReadonlyMap<string, SecretRef<V>>;
  auth?: { issuer?: V; audience?: V; jwksUrl?: V; rolesClaim?: V };
  /** The service's only: who may read the operator API, and the operators' own issuer if they have one. */
  operators?: { role?: V; issuer?: V; audience?: V; jwksUrl?: V };
  schedulerServiceAccount?: V;
  /** The service's own URL, the audience of the scheduler's tokens: the same value as the scheduler jobs' `oidcToken.audience`. */
  schedulerAudience?: V;
  paymentsBaseUrl?: V;
  /** The service's only: where the audit log's checkpoints are witnessed, `gs://bucket`. */
  auditWitness?: V;
  project: V;
  planHash: string;
  run: RunMode;
}

/** The variables of one container, sorted by name so a revision only changes when a value does. */
export function executorEnv<V>(input: ExecutorEnvInput<V>, text: (s: string) => V): EnvEntry<V>[] {
  const out: EnvEntry<V>[] = [
    { name: ENV.dbSocketDir, value: input.socketDir },
    { name: ENV.dbName, value: input.databaseName },
    { name: ENV.dbUser, value: input.databaseUser },
    { name: ENV.dbPassword, secretRef: input.passwordSecret },
    { name: ENV.dbPoolMax, value: text(String(input.poolMax)) },
    { name: ENV.gcpProject, value: input.project },
    { name: ENV.run, value: text(input.run) },
    { name: ENV.planHash, value: text(input.planHash) },
  ];
  for (const [name, ref] of input.secrets) out.push({ name: secretEnvName(name), secretRef: ref });
  const optional: [string, V | undefined][] = [
    [ENV.authIssuer, input.auth?.issuer],
    [ENV.authAudience, input.auth?.audience],
    [ENV.authJwksUrl, input.auth?.jwksUrl],
    [ENV.authRolesClaim, input.auth?.rolesClaim],
    [ENV.operatorRole, input.operators?.role],
    [ENV.operatorAuthIssuer, input.operators?.issuer],
    [ENV.operatorAuthAudience, input.operators?.audience],
    [ENV.operatorAuthJwksUrl, input.operators?.jwksUrl],
    [ENV.schedulerServiceAccount, input.schedulerServiceAccount],
    [ENV.schedulerAudience, input.schedulerAudience],
    [ENV.paymentsBaseUrl, input.paymentsBaseUrl],
    [ENV.auditWitness, input.auditWitness],
    [ENV.dbRuntimeUser, input.runtimeUser],
    [ENV.metricsPort, input.metricsPort !== undefined ? text(String(input.metricsPort)) : undefined],
    [ENV.trustProxy, input.trustProxyHops !== undefined ? text(String(input.trustProxyHops)) : undefined],
  ];
  for (const [name, value] of optional) if (value !== undefined) out.push({ name, value });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
