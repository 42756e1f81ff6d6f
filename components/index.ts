/** The Pulumi components of Fascia, the types of their arguments, and the helpers a program needs. */
export {
  FasciaDeployment,
  FASCIA_DEPLOYMENT_TYPE,
  DEFAULTS,
  type FasciaDeploymentArgs,
  type FasciaDatabaseArgs,
  type FasciaServiceArgs,
  type FasciaAuthArgs,
} from "./fascia-deployment";
export { FasciaEntity, FASCIA_ENTITY_TYPE, type FasciaEntityArgs } from "./fascia-entity";
export { FasciaTool, FASCIA_TOOL_TYPE, type FasciaToolArgs, type FasciaToolSchedulerArgs } from "./fascia-tool";
export { EntitySpecRecord } from "../provider/entity-spec-record";
export { specsFromDir, specsFromObjects } from "./spec-input";
export { InvalidSpecsError } from "../loader/invalid-specs";
export { secretNames } from "../loader/model";
