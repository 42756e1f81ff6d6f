/** `postgres://…` / `postgresql://…` → pg pool; `pglite:<dir>` or `pglite:memory` → PGlite. */
import { openPg } from "./pg-driver";
import { openPglite } from "./pglite-driver";
import type { Database } from "./types";

export async function openDatabase(url: string): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPg(url);
  if (url.startsWith("pglite:")) {
    const location = url.slice("pglite:".length);
    if (location === "") throw new Error("pglite: needs a directory or `memory`, e.g. pglite:./.fascia/db");
    return openPglite(location === "memory" ? undefined : location);
  }
  throw new Error(`unsupported database URL "${url}": use postgres://user@host:port/db, pglite:<directory> or pglite:memory`);
}
