/**
 * One process of the multi-process append test (test/executor/audit-scale.test.ts): appends
 * `count` audit records through its own pg pool, `concurrency` at a time, taking a checkpoint now
 * and then, as an executor instance does. Run as `node --import tsx append-worker.ts <url> <name> <count> <concurrency>`.
 */
import { openPg } from "../../../database/pg-driver";
import { sha256, type AuditBody } from "../../../executor/audit/audit-chain";
import { appendAuditAlone } from "../../../executor/store/audit-store";
import { takeCheckpoint } from "../../../executor/store/checkpoint-store";
import { connectionProvider } from "../../../executor/store/connection";

async function main([url, name, count, concurrency]: string[]): Promise<void> {
  const db = openPg(url!, { max: Number(concurrency) + 1 });
  const withConnection = connectionProvider(db);
  let next = 0;
  const body = (i: number): AuditBody => ({
    invocationId: `${name}-${i}`,
    at: new Date().toISOString(),
    tool: "confirmReservation",
    trigger: "http",
    callerId: name!,
    callerRoles: [],
    input: { i },
    inputDigest: sha256(String(i)),
    rowsChanged: [],
    effects: [],
    compensations: [],
    outcome: { status: 200 },
    durationMs: 1,
  });
  const lane = async () => {
    while (next < Number(count)) {
      const i = next++;
      await withConnection((conn) => appendAuditAlone(conn, body(i)));
      if (i % 25 === 0) await withConnection((conn) => takeCheckpoint(conn, new Date()));
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, lane));
  await db.close();
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error((error as Error).stack ?? error);
    process.exit(1);
  },
);
