/**
 * Whether preparing the executor's fixed statements pays (docs/executor.md, "Round trips"): the
 * idempotency claim, then the stored response and the audit append sent with the COMMIT, run N
 * times on one connection, unnamed (parsed and planned every time) and named (pg prepares them
 * once per connection). Reports wall time, the backend's CPU (from /proc: PostgreSQL must run on
 * this machine) and this process's CPU per invocation.
 *
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres N=2000 npx tsx bench/executor/prepared-statements.ts
 */
import { readFileSync } from "node:fs";
import { Client } from "pg";
import { openPg } from "../../database/pg-driver";
import { applyExecutorMigrations } from "../../executor/store/executor-schema";
import { storeResponseStatement } from "../../executor/store/idempotency-store";
import { auditAppend } from "../../executor/store/audit-store";

const N = Number(process.env.N ?? 2000);
const cpu = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10; // ms (USER_HZ 100)
};

async function main() {
  const server = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = new Client({ connectionString: server });
  await admin.connect();
  const name = `rt_prep_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = openPg(url, { max: 1 });
  await applyExecutorMigrations(db);
  await db.close();
  const CLAIM = `WITH "inserted" AS (
  INSERT INTO "fascia_idempotency" ("tool", "caller_id", "key", "fingerprint", "state", "invocation_id", "locked_until") VALUES ($1, $2, $3, $4, 'running', $5, now() + $6 * interval '1 millisecond') ON CONFLICT DO NOTHING RETURNING "generation")
SELECT true AS "claimed", "generation", NULL::text AS "fingerprint", NULL::text AS "state", NULL::text AS "invocation_id", NULL::boolean AS "expired", NULL::integer AS "response_status", NULL::json AS "response_body" FROM "inserted"
UNION ALL
SELECT false, "generation", "fingerprint", "state", "invocation_id", "locked_until" < now(), "response_status", "response_body" FROM "fascia_idempotency" WHERE "tool" = $1 AND "caller_id" = $2 AND "key" = $3 AND NOT EXISTS (SELECT 1 FROM "inserted")`;
  for (const round of [1, 2]) {
    for (const named of [false, true]) {
      const client = new Client({ connectionString: url, pipeline: true } as ConstructorParameters<typeof Client>[0]);
      await client.connect();
      const pid = (client as unknown as { processID: number }).processID;
      const q = (n: string, text: string, values: unknown[]) => client.query(named ? { name: n, text, values } : { text, values });
      const c0 = cpu(pid);
      const u0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < N; i++) {
        const scope = { tool: "createReservation", callerId: "c1", key: `k-${round}-${named}-${i}` };
        const inv = `inv-${round}-${named}-${i}`;
        await q("claim", CLAIM, [scope.tool, scope.callerId, scope.key, "f".repeat(64), inv, 70000]);
        await client.query("BEGIN");
        const s = storeResponseStatement(scope, inv, 200, { id: "x", status: "pending", totalPrice: "199.00" });
        const a = auditAppend({
          invocationId: inv,
          at: new Date().toISOString(),
          tool: scope.tool,
          trigger: "http",
          callerId: "c1",
          callerRoles: ["customer"],
          input: { roomId: "r" },
          inputDigest: "d",
          rowsChanged: [],
          effects: [],
          compensations: [],
          outcome: { status: 200 },
          durationMs: 3,
        });
        await Promise.all([q("store", s.text, s.values as unknown[]), q("audit", a.text, a.values as unknown[]), client.query("COMMIT")]);
      }
      const ms = performance.now() - t0;
      const u = process.cpuUsage(u0);
      const server = cpu(pid) - c0;
      console.log(
        `round ${round} named=${named}: ${(ms / N).toFixed(3)} ms/inv wall, server CPU ${((server / N) * 1000).toFixed(0)} µs/inv, client CPU ${((u.user + u.system) / N).toFixed(0)} µs/inv`,
      );
      await client.end();
    }
  }
  await admin.query(`DROP DATABASE ${name}`);
  await admin.end();
}
void main();
