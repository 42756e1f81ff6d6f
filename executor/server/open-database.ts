/**
 * The executor's database from its URL. `postgres://…` is a pg pool: production talks to Cloud
 * SQL only this way. `pglite:<dir>` (local runs) loads PGlite on demand: the bundle leaves
 * @electric-sql/pglite out (~27 MB of wasm and data files the image never needs, and files esbuild
 * cannot inline), so a static import would break the bundle at startup.
 */
import { openPg } from "../../database/pg-driver";
import { EXECUTOR_SIDE_CONNECTIONS } from "../../contracts/environment";
import type { openDatabase as openAnyDatabase } from "../../database/open";
import type { Database } from "../../database/types";

type OpenDatabase = typeof openAnyDatabase;

export async function openExecutorDatabase(url: string, poolMax: number): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPg(url, { max: poolMax });
  let openDatabase: OpenDatabase;
  try {
    // Required here, not imported at the top: esbuild then initializes PGlite's module lazily.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ({ openDatabase } = require("../../database/open") as { openDatabase: OpenDatabase });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("@electric-sql/pglite")) {
      throw new Error(
        `${url.split(":")[0]}: URLs need @electric-sql/pglite installed next to the executor; the executor image carries only the PostgreSQL driver (use a postgres:// URL)`,
        { cause: error },
      );
    }
    throw error;
  }
  return openDatabase(url);
}

/** The side pool for a PostgreSQL URL; none for PGlite, whose one connection cannot commit beside an open transaction. */
export function openSideDatabase(url: string): Database | undefined {
  return /^postgres(ql)?:\/\//.test(url) ? openPg(url, { max: EXECUTOR_SIDE_CONNECTIONS }) : undefined;
}
