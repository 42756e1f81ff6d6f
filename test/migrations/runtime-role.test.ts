/**
 * The runtime database user on the real PostgreSQL server: after the migration job's grant
 * (executor/server/runtime-role.ts), the example app runs end to end as that user, while the user
 * cannot alter or drop a table, switch off the audit trail's triggers, rewrite the audit trail, or
 * create tables; a refused grant leaves the grants as they were.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { grantRuntimeRole, RuntimeRoleError } from "../../executor/server/runtime-role";
import { postgresReachable, SERVER_URL } from "../support/databases";
import { exampleManifest, startHarness, type Harness } from "../executor/support/harness";
import { runMigrations } from "../../executor/server/migrate";
import { writeManifest } from "../../executor/app/manifest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const describePg = postgresReachable() || process.env.CI ? describe : describe.skip;

async function asAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function asUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = "";
  return u.toString();
}

describePg("the runtime database user (PostgreSQL)", () => {
  const role = `fascia_rt_${randomBytes(4).toString("hex")}`;
  let h: Harness;
  let runtime: Client;

  beforeAll(async () => {
    // CREATEROLE and CREATEDB as a Cloud SQL user has them (through cloudsqlsuperuser): the grant takes them away.
    await asAdmin((c) => c.query(`CREATE ROLE "${role}" LOGIN CREATEROLE CREATEDB`));
    h = await startHarness("pg", {
      afterMigrate: async (test) => void (await grantRuntimeRole(test.db, role)),
      dbUrl: (url) => asUser(url, role),
    });
    runtime = new Client({ connectionString: asUser(h.test.url, role) });
    await runtime.connect();
  }, 60_000);

  afterAll(async () => {
    await runtime?.end();
    await h?.close();
    await asAdmin((c) => c.query(`DROP ROLE IF EXISTS "${role}"`));
  });

  const refused = async (sql: string) => {
    const error = await runtime.query(sql).then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
    expect(error).toBeDefined();
    return error!;
  };

  it("serves the example app: a reservation is created, confirmed and audited as the runtime user", async () => {
    const customer = await h.seedCustomer("Ada");
    const room = await h.seedRoom("201");
    const authorization = `Bearer ${await h.token(customer, ["customer"])}`;
    const created = await h.server.inject({
      method: "POST",
      url: "/reservations",
      headers: { authorization, "idempotency-key": "rt-1" },
      payload: { roomId: room, startDate: "2036-05-01", endDate: "2036-05-03", guests: 1 },
    });
    expect(created.statusCode).toBe(200);
    const { id } = created.json<{ id: string }>();
    const confirmed = await h.server.inject({ method: "POST", url: `/reservations/${id}/confirm`, headers: { authorization } });
    expect(confirmed.json()).toEqual({ id, status: "confirmed" });
    const audit = await h.audit();
    expect(audit.map((r) => r.tool)).toEqual(expect.arrayContaining(["createReservation", "confirmReservation"]));
    const who = await runtime.query<{ me: string }>("SELECT current_user AS me");
    expect(who.rows[0]!.me).toBe(role);
  });

  it("cannot alter, drop or truncate a table, nor create one", async () => {
    expect((await refused(`ALTER TABLE "reservation" ADD COLUMN "x" integer`)).code).toBe("42501");
    expect((await refused(`DROP TABLE "reservation"`)).code).toBe("42501");
    expect((await refused(`TRUNCATE "reservation"`)).code).toBe("42501");
    expect((await refused(`CREATE TABLE "mine" ("id" integer)`)).code).toBe("42501");
  });

  it("cannot switch off the audit trail's triggers, nor rewrite or delete its records", async () => {
    expect((await refused(`ALTER TABLE "fascia_audit" DISABLE TRIGGER ALL`)).code).toBe("42501");
    // Refused by the grant itself (permission denied), before the append-only trigger would refuse it too.
    expect((await refused(`UPDATE "fascia_audit" SET "status" = 200`)).message).toMatch(/permission denied/);
    expect((await refused(`DELETE FROM "fascia_audit"`)).message).toMatch(/permission denied/);
    expect((await refused(`DELETE FROM "fascia_migrations"`)).code).toBe("42501");
    const count = await runtime.query<{ n: string }>(`SELECT count(*) AS n FROM "fascia_audit"`);
    expect(Number(count.rows[0]!.n)).toBeGreaterThan(0);
  });

  it("may no longer create roles or databases", async () => {
    const attrs = await asAdmin((c) =>
      c.query<{ rolcreaterole: boolean; rolcreatedb: boolean }>("SELECT rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1", [
        role,
      ]),
    );
    expect(attrs.rows[0]).toEqual({ rolcreaterole: false, rolcreatedb: false });
    expect((await refused(`CREATE ROLE "${role}_2"`)).code).toBe("42501");
  });

  it("the migration job grants it when FASCIA_DB_RUNTIME_USER names it, and says so", async () => {
    const manifestPath = join(mkdtempSync(join(tmpdir(), "fascia-rt-")), "manifest.json");
    writeManifest(manifestPath, exampleManifest());
    const run = await runMigrations({ FASCIA_DB_URL: h.test.url, FASCIA_APP_MANIFEST: manifestPath, FASCIA_DB_RUNTIME_USER: role });
    expect(run.app).toBe("up to date");
    expect(run.runtime?.role).toBe(role);
    expect(Object.keys(run.runtime!.tables)).toEqual(
      expect.arrayContaining(["reservation", "room", "customer", "fascia_audit", "fascia_idempotency"]),
    );
    const without = await runMigrations({ FASCIA_DB_URL: h.test.url, FASCIA_APP_MANIFEST: manifestPath });
    expect(without.runtime).toBeUndefined();
  });

  it("a second grant changes nothing and grants exactly the same tables", async () => {
    const first = await grantRuntimeRole(h.test.db, role);
    const second = await grantRuntimeRole(h.test.db, role);
    expect(second).toEqual(first);
    expect(first.tables.fascia_audit).toEqual(["SELECT", "INSERT"]);
    expect(first.tables.reservation).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
  });

  it("refuses a runtime user that is the migrator, missing, or kept its power, and leaves the grants as they were", async () => {
    const me = (await h.test.db.query<{ me: string }>("SELECT current_user AS me")).rows[0]!.me;
    await expect(grantRuntimeRole(h.test.db, me)).rejects.toThrow(RuntimeRoleError);
    await expect(grantRuntimeRole(h.test.db, `${role}_missing`)).rejects.toThrow(/does not exist/);
    const boss = `${role}_su`;
    await asAdmin((c) => c.query(`CREATE ROLE "${boss}" LOGIN SUPERUSER`));
    try {
      await expect(grantRuntimeRole(h.test.db, boss)).rejects.toThrow(/is a superuser/);
      // The grants made before the check were rolled back with it.
      const recorded = await h.test.db.query(`SELECT 1 FROM information_schema.role_table_grants WHERE grantee = $1`, [boss]);
      expect(recorded.rows).toHaveLength(0);
    } finally {
      await asAdmin((c) => c.query(`DROP ROLE "${boss}"`));
    }
  });
});
