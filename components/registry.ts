/**
 * The package's components by type token, with the names of their inputs and of their nested
 * argument types, as schema.json describes them. Each list must name every key of its args
 * interface (a key left out fails to compile), and a test checks schema.json against this table
 * and against the outputs the classes really register.
 */
import {
  FasciaDeployment,
  type FasciaAuditWitnessArgs,
  type FasciaAuthArgs,
  type FasciaDatabaseArgs,
  type FasciaDeploymentArgs,
  type FasciaOperatorsArgs,
  type FasciaServiceArgs,
} from "./fascia-deployment";
import { FasciaEntity, type FasciaEntityArgs } from "./fascia-entity";
import { FasciaExecutorImage, type FasciaExecutorImageArgs } from "./fascia-executor-image";
import { FasciaTool, type FasciaToolArgs, type FasciaToolSchedulerArgs } from "./fascia-tool";

/** `keys` when it lists every key of `Args`, `never` otherwise. */
type Exhaustive<Args, Keys extends readonly (keyof Args)[]> = Exclude<keyof Args, Keys[number]> extends never ? Keys : never;
const keysOf =
  <Args>() =>
  <const Keys extends readonly (keyof Args)[]>(keys: Exhaustive<Args, Keys>): readonly string[] =>
    keys as readonly string[];

/** The keys `Args` requires (not optional). */
type RequiredKeys<Args> = { [K in keyof Args]-?: object extends Pick<Args, K> ? never : K }[keyof Args];
/** `keys` when it lists exactly the required keys of `Args`, `never` otherwise: schema.json's `requiredInputs`. */
type ExactlyRequired<Args, Keys extends readonly (keyof Args)[]> = [
  Exclude<RequiredKeys<Args>, Keys[number]>,
  Exclude<Keys[number], RequiredKeys<Args>>,
] extends [never, never]
  ? Keys
  : never;
const requiredOf =
  <Args>() =>
  <const Keys extends readonly (keyof Args)[]>(keys: ExactlyRequired<Args, Keys>): readonly string[] =>
    keys as readonly string[];
/**
 * The inputs that must be plain values, known when the program runs, because they decide which
 * resources exist (or what is governed): schema.json marks them `plain`, so other languages' SDKs
 * take them as plain values, and the components refuse an Output for them.
 */
const plainOf =
  <Args>() =>
  <const Keys extends readonly (keyof Args)[]>(keys: Keys): readonly string[] =>
    keys as readonly string[];

export const COMPONENTS = {
  "fascia:index:FasciaDeployment": {
    component: FasciaDeployment,
    inputs: keysOf<FasciaDeploymentArgs>()([
      "specs",
      "specDir",
      "image",
      "imageBase",
      "project",
      "region",
      "secrets",
      "database",
      "service",
      "auth",
      "operators",
      "paymentsBaseUrl",
      "labels",
      "auditWitness",
    ]),
    required: requiredOf<FasciaDeploymentArgs>()([]),
    // `secrets`: its names decide which Secret Manager secrets exist; its values are secret Inputs.
    plain: plainOf<FasciaDeploymentArgs>()([
      "specs",
      "specDir",
      "image",
      "imageBase",
      "secrets",
      "database",
      "service",
      "auth",
      "operators",
      "labels",
      "auditWitness",
    ]),
  },
  "fascia:index:FasciaExecutorImage": {
    component: FasciaExecutorImage,
    inputs: keysOf<FasciaExecutorImageArgs>()(["specs", "specDir", "repository", "base"]),
    required: requiredOf<FasciaExecutorImageArgs>()(["repository"]),
    plain: plainOf<FasciaExecutorImageArgs>()(["specs", "specDir", "base"]),
  },
  "fascia:index:FasciaEntity": {
    component: FasciaEntity,
    inputs: keysOf<FasciaEntityArgs>()(["spec", "entities"]),
    required: requiredOf<FasciaEntityArgs>()(["spec"]),
    // The entity's children are the same whatever its spec: validated when the values resolve.
    plain: plainOf<FasciaEntityArgs>()([]),
  },
  "fascia:index:FasciaTool": {
    component: FasciaTool,
    inputs: keysOf<FasciaToolArgs>()(["spec", "entities", "policies", "serviceUrl", "scheduler"]),
    required: requiredOf<FasciaToolArgs>()(["spec"]),
    // The spec in its context decides whether a Cloud Scheduler job exists, and is governed at preview.
    plain: plainOf<FasciaToolArgs>()(["spec", "entities", "policies"]),
  },
} as const;

export const ARGUMENT_TYPES = {
  "fascia:index:DatabaseArgs": {
    keys: keysOf<FasciaDatabaseArgs>()([
      "tier",
      "maxConnections",
      "availabilityType",
      "diskSizeGb",
      "deletionProtection",
      "privateNetwork",
      "privateSubnetwork",
      "backupStartTime",
      "pitrDays",
      "version",
    ]),
    required: requiredOf<FasciaDatabaseArgs>()([]),
    // The sizing: the pool, and the instance's version.
    plain: plainOf<FasciaDatabaseArgs>()(["tier", "maxConnections", "version"]),
  },
  "fascia:index:ServiceArgs": {
    keys: keysOf<FasciaServiceArgs>()(["minInstances", "maxInstances", "concurrency", "cpu", "memory", "invokers", "invokerIamDisabled"]),
    required: requiredOf<FasciaServiceArgs>()([]),
    // The pool's sizing and who may invoke the service: IAM bindings.
    plain: plainOf<FasciaServiceArgs>()(["maxInstances", "concurrency", "invokers", "invokerIamDisabled"]),
  },
  "fascia:index:AuthArgs": {
    keys: keysOf<FasciaAuthArgs>()(["issuer", "audience", "jwksUrl", "rolesClaim"]),
    required: requiredOf<FasciaAuthArgs>()([]),
    plain: plainOf<FasciaAuthArgs>()([]),
  },
  "fascia:index:OperatorsArgs": {
    keys: keysOf<FasciaOperatorsArgs>()(["role", "issuer", "audience", "jwksUrl"]),
    required: requiredOf<FasciaOperatorsArgs>()([]),
    plain: plainOf<FasciaOperatorsArgs>()([]),
  },
  "fascia:index:AuditWitnessArgs": {
    keys: keysOf<FasciaAuditWitnessArgs>()(["retentionDays", "locked"]),
    required: requiredOf<FasciaAuditWitnessArgs>()([]),
    // Checked when the program runs: a retention out of range, or a lock not meant, cannot be taken back at deploy.
    plain: plainOf<FasciaAuditWitnessArgs>()(["retentionDays", "locked"]),
  },
  "fascia:index:ToolSchedulerArgs": {
    keys: keysOf<FasciaToolSchedulerArgs>()(["serviceAccountEmail", "region", "project", "audience"]),
    required: requiredOf<FasciaToolSchedulerArgs>()(["serviceAccountEmail"]),
    plain: plainOf<FasciaToolSchedulerArgs>()([]),
  },
} as const;

export type ComponentToken = keyof typeof COMPONENTS;
