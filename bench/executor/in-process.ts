/**
 * The contenders built in this process, answering fastify's inject (no HTTP, no proxy): for the
 * benchmarks that count what leaves for the database (statements.ts, database-cost.bench.ts)
 * rather than what a client waits for. The hand-written endpoint's pool is configured as its
 * bundle's (hand-written-main.ts) is.
 */
import type { CryptoKey } from "jose";
import { Pool, types } from "pg";
import type { FastifyInstance } from "fastify";
import type { Database } from "../../database/types";
import type { AppManifest } from "../../executor/app/manifest";
import { createLogger } from "../../executor/observability/logger";
import { loadSecrets } from "../../executor/secrets";
import { buildServer } from "../../executor/server/build-server";
import { BENCH_AUDIENCE, BENCH_ISSUER } from "./bench-app";
import { buildHandWritten, type Guarantees, type PoolLike } from "./hand-written";

const DATE_OID = 1082;

/** The hand-written endpoint's pg pool: pipelining, dates kept as YYYY-MM-DD (as the executor keeps them). */
export function handWrittenPool(url: string, max: number): Pool {
  return new Pool({
    connectionString: url,
    max,
    pipeline: true,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === DATE_OID ? (v: string) => v : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
}

/**
 * The executor on `db`, silent, with the bench's secrets and tokens. The outbox's drainer is off:
 * its claims would land among the invocations' statements, and the bench's tool enqueues nothing.
 */
export function inProcessExecutor(manifest: AppManifest, db: Database, publicKey: CryptoKey): FastifyInstance {
  const secrets = loadSecrets(["OPS_WEBHOOK_TOKEN", "PAYMENTS_API_KEY", "PAYMENTS_WEBHOOK_SECRET"], {
    FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "o",
    FASCIA_SECRET_PAYMENTS_API_KEY: "p",
    FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "w",
  });
  return buildServer({
    app: manifest,
    db,
    auth: { issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, keys: { publicKey } },
    secrets,
    payments: { baseUrl: "http://127.0.0.1:9" },
    email: { smtpUrl: "smtp://127.0.0.1:9" },
    rateLimit: false,
    outbox: false,
    logger: createLogger({ level: "silent" }),
  });
}

/** The hand-written endpoint on `pool`, silent. */
export function inProcessHandWritten(guarantees: Guarantees, pool: PoolLike, publicKey: CryptoKey): FastifyInstance {
  return buildHandWritten({
    pool,
    guarantees,
    key: publicKey,
    issuer: BENCH_ISSUER,
    audience: BENCH_AUDIENCE,
    log: createLogger({ level: "silent" }),
  });
}
