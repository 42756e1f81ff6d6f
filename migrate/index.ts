/** Applying planned migrations: the ledger, the advisory lock, catalog introspection and drift. */
export { readCatalog, diffCatalogs, type CatalogSnapshot, type CatalogDifference, type TableSnapshot } from "./catalog";
export {
  applyMigrations,
  migrateToSpecs,
  buildMigration,
  withMigrationLock,
  MigrationStepError,
  type Migration,
  type MigrateOutcome,
  type ApplyResult,
} from "./apply";
export { readLedger, LEDGER_TABLE, MigrationIntegrityError, type LedgerRow } from "./ledger";
export { detectDrift, expectedCatalog } from "./drift";
