/** Database access: one interface, two drivers, the migration applier and catalog introspection. */
export * from "./types";
export { openDatabase } from "./open";
export { openPg } from "./pg-driver";
export { openPglite } from "./pglite-driver";
export { readCatalog, diffCatalogs, type CatalogSnapshot, type CatalogDifference, type TableSnapshot } from "./catalog";
export { applyMigrations, migrateToSpecs, buildMigration, withMigrationLock, MigrationStepError, type Migration, type MigrateOutcome, type ApplyResult } from "./apply";
export { readLedger, LEDGER_TABLE, MigrationIntegrityError, type LedgerRow } from "./ledger";
export { detectDrift, expectedCatalog } from "./drift";
