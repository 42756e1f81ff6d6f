/**
 * The package's components by type token, with the names of their inputs and of their nested
 * argument types, as schema.json describes them. Each list must name every key of its args
 * interface (a key left out fails to compile), and a test checks schema.json against this table
 * and against the outputs the classes really register.
 */
import {
  FasciaDeployment,
  type FasciaAuthArgs,
  type FasciaDatabaseArgs,
  type FasciaDeploymentArgs,
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
      "paymentsBaseUrl",
      "labels",
    ]),
  },
  "fascia:index:FasciaExecutorImage": {
    component: FasciaExecutorImage,
    inputs: keysOf<FasciaExecutorImageArgs>()(["specs", "specDir", "repository", "base"]),
  },
  "fascia:index:FasciaEntity": { component: FasciaEntity, inputs: keysOf<FasciaEntityArgs>()(["spec", "entities"]) },
  "fascia:index:FasciaTool": {
    component: FasciaTool,
    inputs: keysOf<FasciaToolArgs>()(["spec", "entities", "policies", "serviceUrl", "scheduler"]),
  },
} as const;

export const ARGUMENT_TYPES = {
  "fascia:index:DatabaseArgs": keysOf<FasciaDatabaseArgs>()([
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
  "fascia:index:ServiceArgs": keysOf<FasciaServiceArgs>()([
    "minInstances",
    "maxInstances",
    "concurrency",
    "cpu",
    "memory",
    "invokers",
    "invokerIamDisabled",
  ]),
  "fascia:index:AuthArgs": keysOf<FasciaAuthArgs>()(["issuer", "audience", "jwksUrl", "rolesClaim"]),
  "fascia:index:ToolSchedulerArgs": keysOf<FasciaToolSchedulerArgs>()(["serviceAccountEmail", "region", "project"]),
} as const;

export type ComponentToken = keyof typeof COMPONENTS;
