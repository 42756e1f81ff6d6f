/**
 * Entry point of the hand-written baseline's bundle (bundled like the executor, started like it):
 * BENCH_GUARANTEES=same|idempotency|audit|bare, BENCH_DB_URL, BENCH_PUBLIC_JWK, BENCH_ISSUER, BENCH_AUDIENCE, PORT,
 * BENCH_POOL_MAX. Logs one Cloud Logging line per request, as the executor does.
 */
import { importJWK, type CryptoKey, type JWK } from "jose";
import { createLogger } from "../../executor/observability/logger";
import { buildHandWritten, GUARANTEES, type Guarantees } from "./hand-written";
import { handWrittenPool } from "./in-process";

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const guarantees = env.BENCH_GUARANTEES as Guarantees;
  if (!GUARANTEES.includes(guarantees)) throw new Error(`BENCH_GUARANTEES must be one of ${GUARANTEES.join(", ")}`);
  const pool = handWrittenPool(env.BENCH_DB_URL ?? "", Number(env.BENCH_POOL_MAX || 10));
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
