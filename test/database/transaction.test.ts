/**
 * Transactions that end with a statement sent together with their COMMIT (commitWith), on both
 * drivers: the statement's work commits; when it fails, its error is thrown and the whole
 * transaction is gone; values the driver could fail to send are refused before anything leaves.
 * On PostgreSQL, a loopback proxy between the pool and the server shows that the COMMIT reaches
 * the server before the statement's answer comes back, and the socket shows that the statements
 * and their COMMIT leave in one write.
 */
import { Socket } from "node:net";
import { openPg } from "../../database/pg-driver";
import { commitWith, inTransactionEndingWith } from "../../database/transaction";
import { createPgDatabase, describeEachDriver, testDrivers, useTestDatabase, type TestDatabase } from "../support/databases";
import { startTcpProxy, throughProxy, type TcpProxy } from "../support/tcp-proxy";

describeEachDriver("transactions ending with a statement sent with the COMMIT", (driver) => {
  const database = useTestDatabase(driver);
  const db = () => database.current.db;
  const names = async () => (await db().query<{ name: string }>(`SELECT "name" FROM "marks" ORDER BY "name"`)).rows.map((r) => r.name);

  beforeAll(async () => {
    await db().exec(`CREATE TABLE "marks" ("name" text PRIMARY KEY)`);
  });

  it("commits the work and the last statement, returning the statement's rows", async () => {
    let returned: unknown[] = [];
    await db().session((conn) =>
      inTransactionEndingWith(conn, async (tx) => {
        await tx.query(`INSERT INTO "marks" VALUES ($1)`, ["before"]);
        return { text: `INSERT INTO "marks" VALUES ($1) RETURNING "name"`, values: ["last"] };
      }),
    );
    expect(await names()).toEqual(["before", "last"]);
    await db().session(async (conn) => {
      await conn.exec("BEGIN");
      returned = (await commitWith(conn, { text: `INSERT INTO "marks" VALUES ($1) RETURNING "name"`, values: ["returned"] })).rows;
    });
    expect(returned).toEqual([{ name: "returned" }]);
    expect(await names()).toEqual(["before", "last", "returned"]);
  });

  it("throws the last statement's error and commits nothing of the transaction", async () => {
    const outcome = db().session((conn) =>
      inTransactionEndingWith(conn, async (tx) => {
        await tx.query(`INSERT INTO "marks" VALUES ($1)`, ["lost"]);
        return { text: `INSERT INTO "marks" VALUES ($1)`, values: ["before"] }; // a duplicate key
      }),
    );
    await expect(outcome).rejects.toMatchObject({ code: "23505" });
    expect(await names()).toEqual(["before", "last", "returned"]);
    // The connection is usable afterwards, outside any transaction.
    await db().session(async (conn) => expect((await conn.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]));
  });

  it("runs a statement marked `prepare` like any other; PostgreSQL keeps it prepared on the connection, parsed once", async () => {
    await db().session(async (conn) => {
      for (const name of ["prepared-1", "prepared-2"]) {
        const { rows } = await conn.query(`INSERT INTO "marks" VALUES ($1) RETURNING "name"`, [name], { prepare: true });
        expect(rows).toEqual([{ name }]);
      }
      if (driver === "pg") {
        const { rows } = await conn.query<{ name: string; calls: number }>(
          `SELECT "name", ("generic_plans" + "custom_plans")::int AS "calls" FROM pg_prepared_statements WHERE "statement" LIKE 'INSERT INTO "marks"%'`,
        );
        expect(rows).toEqual([{ name: expect.stringMatching(/^fascia_[0-9a-f]{24}$/), calls: 2 }]);
      }
    });
    await db().query(`DELETE FROM "marks" WHERE "name" LIKE 'prepared-%'`);
  });

  it("refuses values the driver could fail to send, before sending anything", async () => {
    const outcome = db().session((conn) =>
      inTransactionEndingWith(conn, async (tx) => {
        await tx.query(`INSERT INTO "marks" VALUES ($1)`, ["refused"]);
        return { text: `INSERT INTO "marks" VALUES ($1)`, values: [{ toPostgres: () => "x" }] };
      }),
    );
    await expect(outcome).rejects.toThrow("the last statement's values must be strings, numbers, booleans or null");
    expect(await names()).not.toContain("refused");
  });
});

(testDrivers().includes("pg") ? describe : describe.skip)("commitWith on PostgreSQL", () => {
  let test: TestDatabase;
  let proxy: TcpProxy;
  beforeAll(async () => {
    test = await createPgDatabase();
    const url = new URL(test.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await test?.drop();
  });

  it("sends the COMMIT before the last statement's answer has come back", async () => {
    const db = openPg(throughProxy(test.url, proxy), { max: 1 });
    try {
      await db.session(async (conn) => {
        await conn.exec("BEGIN");
        proxy.chunks.length = 0;
        await commitWith(conn, { text: "SELECT pg_sleep($1::float8) AS slept", values: [0.3] });
      });
    } finally {
      await db.close();
    }
    const commitSent = proxy.chunks.find((c) => c.toServer && c.data.includes("COMMIT"));
    const firstAnswer = proxy.chunks.find((c) => !c.toServer);
    expect(commitSent).toBeDefined();
    expect(firstAnswer).toBeDefined();
    // The statement sleeps 300 ms at the server; the COMMIT was already on its way.
    expect(commitSent!.at).toBeLessThan(firstAnswer!.at);
  });

  it("sends the statements and their COMMIT in one write: one system call and one segment, not one per statement", async () => {
    const db = openPg(test.url, { max: 1 });
    const socket = Socket.prototype as unknown as Record<"_write" | "_writev", (...args: unknown[]) => unknown>;
    const [write, writev] = [socket._write, socket._writev];
    let writes = 0;
    try {
      await db.session(async (conn) => {
        await conn.exec("BEGIN");
        socket._write = function (this: unknown, ...args: unknown[]) {
          writes++;
          return write.apply(this, args);
        };
        socket._writev = function (this: unknown, ...args: unknown[]) {
          writes++;
          return writev.apply(this, args);
        };
        await commitWith(conn, [
          { text: "SELECT $1::int AS one", values: [1] },
          { text: "SELECT $1::int AS two", values: [2], prepare: true },
        ]);
      });
    } finally {
      [socket._write, socket._writev] = [write, writev];
      await db.close();
    }
    expect(writes).toBe(1);
  });
});
