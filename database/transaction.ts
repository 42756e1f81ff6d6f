/**
 * `fn` inside BEGIN … COMMIT on one connection; on any error ROLLBACK (its own failure ignored:
 * the connection may be gone) and the error goes on. Every explicit transaction the project opens
 * on a held connection goes through here.
 */
import type { Queryable } from "./types";

export async function inTransaction<T>(conn: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await conn.exec("BEGIN");
  try {
    const result = await fn(conn);
    await conn.exec("COMMIT");
    return result;
  } catch (error) {
    await conn.exec("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
