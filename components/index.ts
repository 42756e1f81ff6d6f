/** The Pulumi components of Fascia (the deployment, its image, entities and tools), the types of their arguments, and the helpers a program needs. */
export {
  FasciaDeployment,
  FASCIA_DEPLOYMENT_TYPE,
  DEFAULTS,
  type FasciaDeploymentArgs,
  type FasciaDatabaseArgs,
  type FasciaServiceArgs,
  type FasciaAuthArgs,
  type FasciaOperatorsArgs,
  type FasciaAuditWitnessArgs,
} from "./fascia-deployment";
export { FasciaEntity, FASCIA_ENTITY_TYPE, type FasciaEntityArgs } from "./fascia-entity";
export { FasciaTool, FASCIA_TOOL_TYPE, type FasciaToolArgs, type FasciaToolSchedulerArgs } from "./fascia-tool";
export { FasciaExecutorImage, FASCIA_EXECUTOR_IMAGE_TYPE, type FasciaExecutorImageArgs } from "./fascia-executor-image";
export { DEFAULT_BASE_IMAGE } from "../build/oci/executor-image";
export { EntitySpecRecord } from "../provider/entity-spec-record";
export { ExecutorImagePush } from "../provider/executor-image-push";
export { specsFromDir, specsFromObjects } from "./spec-input";
export { InvalidSpecsError } from "../loader/invalid-specs";
export { secretNames } from "../loader/model";
