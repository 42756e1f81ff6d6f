/**
 * Entry point of the hand-written baseline's bundle (bundled like the executor, started like it):
 * BENCH_GUARANTEES=same|bare, BENCH_DB_URL, BENCH_PUBLIC_JWK, BENCH_ISSUER, BENCH_AUDIENCE, PORT,
 * BENCH_POOL_MAX. Logs one Cloud Logging line per request, as the executor does.
 */
import { importJWK, type CryptoKey, type JWK } from "jose";
import { Pool, types } from "pg";
import { createLogger } from "../../executor/observability/logger";
import { buildHandWritten, type Guarantees } from "./hand-written";

const DATE_OID = 1082;

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const guarantees = env.BENCH_GUARANTEES as Guarantees;
  if (guarantees !== "same" && guarantees !== "bare") throw new Error("BENCH_GUARANTEES must be same or bare");
  const pool = new Pool({
    connectionString: env.BENCH_DB_URL,
    max: Number(env.BENCH_POOL_MAX || 10),
    pipeline: true,
    // Dates stay YYYY-MM-DD, as the executor keeps them.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === DATE_OID ? (v: string) => v : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  const key = await importJWK(JSON.parse(env.BENCH_PUBLIC_JWK ?? "{}") as JWK, "ES256");
  const server = buildHandWritten({
    pool,
    guarantees,
    key: key as CryptoKey,
    issuer: env.BENCH_ISSUER ?? "",
    audience: env.BENCH_AUDIENCE ?? "",
    log: createLogger(),
  });
  await server.listen({ port: Number(env.PORT || 8080), host: "127.0.0.1" });
  const stop = async () => {
    await server.close();
    await pool.end();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main(process.env).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
