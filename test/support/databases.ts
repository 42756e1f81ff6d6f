/**
 * Real databases for tests, shared by every suite that needs one. Each test file gets its own
 * freshly created PostgreSQL database (dropped afterwards) and its own PGlite instance (closed
 * afterwards), and runs its cases on both through describeEachDriver.
 *
 * PostgreSQL: TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres (the server to
 * create databases on). With CI set, an unreachable server fails the suite; without CI the suite
 * runs on PGlite only and says so loudly.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { openPg, redactUrl } from "../../database/pg-driver";
import { openPglite } from "../../database/pglite-driver";
import type { Database, DriverName } from "../../database/types";

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

let reachable: boolean | undefined;

/** Synchronous, because Jest collects `describe.each` tables before any await. */
export function postgresReachable(): boolean {
  if (reachable !== undefined) return reachable;
  const script = `const {Client}=require("pg");const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:3000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1));`;
  const result = spawnSync(process.execPath, ["-e", script, SERVER_URL], { timeout: 8000, cwd: process.cwd() });
  reachable = result.status === 0;
  return reachable;
}

let warned = false;

/** The drivers this run tests: both, or PGlite alone (with a loud warning) outside CI. */
export function testDrivers(): DriverName[] {
  if (postgresReachable() || process.env.CI) return ["pg", "pglite"];
  if (!warned) {
    warned = true;
    console.warn(
      `\n${"!".repeat(78)}\n!! PostgreSQL is not reachable at ${redactUrl(SERVER_URL)}.\n!! This suite ran on PGlite ONLY; the PostgreSQL half was NOT tested.\n!! Start PostgreSQL or set TEST_DATABASE_URL (in CI this is a failure).\n${"!".repeat(78)}\n`,
    );
  }
  return ["pglite"];
}

export interface TestDatabase {
  readonly driver: DriverName;
  readonly db: Database;
  /** A URL other processes can open (`pglite:memory` is private to this process). */
  readonly url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${redactUrl(SERVER_URL)} is unreachable${process.env.CI ? " and CI is set: database tests must run on it" : ""}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database with a unique name. */
export async function createPgDatabase(): Promise<TestDatabase> {
  const name = `fascia_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin(async (c) => {
    await c.query(`CREATE DATABASE "${name}"`);
    // Tests commit row by row; waiting for each WAL flush would dominate their time. Durability is not under test.
    await c.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  });
  const url = withDatabase(SERVER_URL, name);
  const db = openPg(url, { max: 4 });
  return {
    driver: "pg",
    db,
    url,
    drop: async () => {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

export async function createPgliteDatabase(): Promise<TestDatabase> {
  const db = await openPglite();
  return { driver: "pglite", db, url: "pglite:memory", drop: () => db.close() };
}

export function createTestDatabase(driver: DriverName): Promise<TestDatabase> {
  return driver === "pg" ? createPgDatabase() : createPgliteDatabase();
}

/**
 * A database for the enclosing describe block: created before its tests, dropped after.
 * Read `.current` inside tests (it is set once beforeAll has run).
 */
export function useTestDatabase(driver: DriverName): { readonly current: TestDatabase } {
  const holder: { current?: TestDatabase } = {};
  beforeAll(async () => {
    holder.current = await createTestDatabase(driver);
  }, 60_000);
  afterAll(async () => {
    await holder.current?.drop();
  });
  return {
    get current(): TestDatabase {
      if (!holder.current) throw new Error("the test database is not ready (used outside a test?)");
      return holder.current;
    },
  };
}

/** `describe.each` over the drivers of this run. */
export function describeEachDriver(title: string, body: (driver: DriverName) => void): void {
  describe.each(testDrivers())(`${title} [%s]`, body);
}
