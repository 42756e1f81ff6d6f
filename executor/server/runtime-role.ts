/**
 * The runtime database user: what the serving executor may do to the app's database, granted by
 * the migration job after each migration. The migrator user owns the schema (it creates and alters
 * every table, and only an owner may ALTER, DROP or DISABLE TRIGGER); the runtime user gets rows
 * alone — DML on the entity tables, and on the executor's own tables exactly what the executor
 * does with them: the audit trail may be appended to and read, never updated or deleted (its
 * triggers refuse that too, and only the owner could switch them off).
 *
 * The grants are recomputed on every run from the tables the migrator owns, so a new entity's
 * table is granted the run that creates it and a dropped one leaves nothing behind. On Cloud SQL,
 * every user made through the Admin API joins `cloudsqlsuperuser`, which may create roles and
 * databases; the runtime user is taken out of it, and the run fails unless that held, since a role
 * able to make roles could (on PostgreSQL ≤ 15) grant itself the migrator's privileges.
 */
import type { Queryable } from "../../database/types";
import { inTransaction } from "../../database/transaction";
import type { Database } from "../../database/types";
import { LEDGER_TABLE } from "../../migrate/ledger";
import { AUDIT_HEAD_TABLE, AUDIT_TABLE, EXECUTOR_LEDGER, IDEMPOTENCY_TABLE, OUTBOX_TABLE } from "../store/executor-schema";

/** Row privileges of the executor's own tables; every other table the migrator owns is an entity's (full DML). */
export const EXECUTOR_TABLE_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  [AUDIT_TABLE]: ["SELECT", "INSERT"],
  [AUDIT_HEAD_TABLE]: ["SELECT", "UPDATE"],
  [IDEMPOTENCY_TABLE]: ["SELECT", "INSERT", "UPDATE", "DELETE"],
  // Delivered rows stay as the record of what was sent; nothing deletes them at run time.
  [OUTBOX_TABLE]: ["SELECT", "INSERT", "UPDATE"],
  // Readiness reads the ledgers; only migrations write them.
  [LEDGER_TABLE]: ["SELECT"],
  [EXECUTOR_LEDGER]: ["SELECT"],
};

export const ENTITY_TABLE_PRIVILEGES: readonly string[] = ["SELECT", "INSERT", "UPDATE", "DELETE"];

/** The role Cloud SQL puts every Admin-API user in (it does not exist elsewhere). */
export const CLOUD_SQL_SUPERUSER = "cloudsqlsuperuser";

export class RuntimeRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuntimeRoleError";
  }
}

export interface RuntimeGrant {
  role: string;
  /** Table → privileges granted, sorted by table. */
  tables: Record<string, string[]>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Grants `role` what the serving executor needs on the tables the current (migrator) user owns in
 * the `public` schema, and nothing more. One transaction: a failure leaves the grants as they were.
 */
export async function grantRuntimeRole(db: Database, role: string): Promise<RuntimeGrant> {
  return inTransaction(db, async (tx) => {
    const server = await serverRoles(tx, role);
    if (server.migrator === role)
      throw new RuntimeRoleError(`the runtime user ${role} is the migrator itself: it would own the schema it must not alter`);
    if (!server.roleExists) throw new RuntimeRoleError(`the runtime user ${role} does not exist in the database server`);
    await stripRole(tx, role, server);
    // Nothing new in `public` but by the migrator: PostgreSQL before 15 lets every role create there.
    await tx.exec(`REVOKE CREATE ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO ${ident(role)}`);
    const owned = await tx.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user ORDER BY tablename",
    );
    const tables: Record<string, string[]> = {};
    for (const { name } of owned.rows) {
      const privileges = [...(EXECUTOR_TABLE_PRIVILEGES[name] ?? ENTITY_TABLE_PRIVILEGES)];
      // Revoked first, so a privilege granted by an earlier version of these rules does not linger.
      await tx.exec(
        `REVOKE ALL ON TABLE ${ident(name)} FROM ${ident(role)}; GRANT ${privileges.join(", ")} ON TABLE ${ident(name)} TO ${ident(role)}`,
      );
      tables[name] = privileges;
    }
    // Identity and serial columns draw from sequences the inserting role must be able to use.
    await tx.exec(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident(role)}`);
    await checkUnprivileged(tx, role, server);
    return { role, tables };
  });
}

/** Who runs the grant, and which of the roles it names the server has (pg_has_role fails on a missing one). */
interface ServerRoles {
  migrator: string;
  roleExists: boolean;
  /** Cloud SQL's `cloudsqlsuperuser` exists: a Cloud SQL server. */
  cloudSql: boolean;
}

async function serverRoles(tx: Queryable, role: string): Promise<ServerRoles> {
  const { rows } = await tx.query<{ migrator: string; role_exists: boolean; cloud_sql: boolean }>(
    `SELECT current_user AS migrator,
            EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS role_exists,
            EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2) AS cloud_sql`,
    [role, CLOUD_SQL_SUPERUSER],
  );
  const row = rows[0]!;
  return { migrator: row.migrator, roleExists: row.role_exists, cloudSql: row.cloud_sql };
}

/** Takes away what lets a role make roles or databases, or act as another role. */
async function stripRole(tx: Queryable, role: string, server: ServerRoles): Promise<void> {
  if (server.cloudSql && (await isMember(tx, role, CLOUD_SQL_SUPERUSER)))
    await tx.exec(`REVOKE ${ident(CLOUD_SQL_SUPERUSER)} FROM ${ident(role)}`);
  const attributes = await roleAttributes(tx, role);
  if (attributes.createrole || attributes.createdb) await tx.exec(`ALTER ROLE ${ident(role)} NOCREATEROLE NOCREATEDB`);
}

async function isMember(tx: Queryable, role: string, group: string): Promise<boolean> {
  const { rows } = await tx.query<{ member: boolean }>("SELECT pg_has_role($1, $2, 'MEMBER') AS member", [role, group]);
  return rows[0]!.member;
}

async function roleAttributes(tx: Queryable, role: string): Promise<{ superuser: boolean; createrole: boolean; createdb: boolean }> {
  const { rows } = await tx.query<{ superuser: boolean; createrole: boolean; createdb: boolean }>(
    "SELECT rolsuper AS superuser, rolcreaterole AS createrole, rolcreatedb AS createdb FROM pg_roles WHERE rolname = $1",
    [role],
  );
  return rows[0]!;
}

/** The promise of this module, checked rather than assumed: the run fails when the server kept a privilege. */
async function checkUnprivileged(tx: Queryable, role: string, server: ServerRoles): Promise<void> {
  const problems: string[] = [];
  const attributes = await roleAttributes(tx, role);
  if (attributes.superuser) problems.push("is a superuser");
  if (attributes.createrole) problems.push("may create roles");
  if (attributes.createdb) problems.push("may create databases");
  if (await isMember(tx, role, server.migrator)) problems.push(`is a member of the migrator ${server.migrator}`);
  if (server.cloudSql && (await isMember(tx, role, CLOUD_SQL_SUPERUSER))) problems.push(`is still in ${CLOUD_SQL_SUPERUSER}`);
  const owns = await tx.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tableowner = $1", [
    role,
  ]);
  if (owns.rows.length > 0) problems.push(`owns ${owns.rows.map((r) => r.name).join(", ")}`);
  if (problems.length > 0)
    throw new RuntimeRoleError(
      `the runtime user ${role} ${problems.join("; ")}: the migration job could not take that away, so the executor must not run as it`,
    );
}
