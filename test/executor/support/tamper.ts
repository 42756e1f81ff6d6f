/**
 * Tampering as the audit tables' owner may: the append-only triggers off, the edit, then `fn`
 * (a verification) on the same connection — all in a transaction that is rolled back, so the
 * tampering never outlives the test and each case starts from the same log.
 */
import type { Queryable } from "../../../database/types";

export async function asOwner<T>(
  db: { session<R>(fn: (conn: Queryable) => Promise<R>): Promise<R> },
  sql: string,
  fn: (conn: Queryable) => Promise<T>,
): Promise<T> {
  return db.session(async (conn) => {
    await conn.query("BEGIN");
    try {
      await conn.query(`ALTER TABLE "fascia_audit" DISABLE TRIGGER USER`);
      await conn.query(`ALTER TABLE "fascia_audit_checkpoint" DISABLE TRIGGER USER`);
      if (sql) await conn.exec(sql);
      return await fn(conn);
    } finally {
      await conn.query("ROLLBACK");
    }
  });
}
