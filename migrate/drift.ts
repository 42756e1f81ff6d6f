/**
 * Drift: how a live database differs from what its entities say it should be. The expected
 * catalog is built by applying the fresh schema to a scratch in-memory PGlite and reading it back
 * through pg_catalog, so both sides are printed by PostgreSQL itself.
 */
import type { EntitySpec } from "../language/entity";
import { compileEntities } from "../compiler/schema/compile";
import { freshSchemaSql } from "../compiler/schema/ddl";
import { diffCatalogs, readCatalog, type CatalogDifference } from "./catalog";
import { openPglite } from "../database/pglite-driver";
import type { Queryable } from "../database/types";

export async function expectedCatalog(entities: readonly EntitySpec[]) {
  const { model, problems } = compileEntities(entities);
  if (problems.length) throw new Error(`the entities do not compile: ${problems.map((p) => `${p.entity}: ${p.message}`).join("; ")}`);
  const scratch = await openPglite();
  try {
    await scratch.exec(freshSchemaSql(model));
    return await readCatalog(scratch);
  } finally {
    await scratch.close();
  }
}

export async function detectDrift(live: Queryable, entities: readonly EntitySpec[]): Promise<CatalogDifference[]> {
  const [expected, actual] = await Promise.all([expectedCatalog(entities), readCatalog(live)]);
  return diffCatalogs(expected, actual);
}
