/** The migration planner and its schema-change rules (registered by the Risk Engine). */
export { SCHEMA_CHANGE_RULES } from "./rules";
export type { SchemaChangeRule, SchemaFinding, SchemaFindingLevel } from "./rules";
export { planMigration, type MigrationPlan, type MigrationStep } from "./plan";
export { renderPlanSql, checksum, DEFAULT_TIMEOUTS, stepsOfPhase, timeoutStatements, type Timeouts } from "./render";
export type { Change, ChangeKind } from "./changes";
export type { Phase, LockImpact } from "./steps";
export { typeChangeKind } from "./type-changes";
