/** The schema compiler: entities → relational model → DDL and CRUD statements. No database access. */
export * from "./model";
export { compileEntities } from "./compile";
export * from "./ddl";
export * from "./crud";
export { snakeCase, quoteIdent, quoteLiteral, objectName } from "./names";
export { translateInvariant, type Translation } from "./invariants/translate";
export type { RowVariable } from "./invariants/sql-value";
export { rowVariables } from "./row-variables";
export { FORMAT_PATTERNS } from "./formats";
export { translateRegex } from "./regex";
