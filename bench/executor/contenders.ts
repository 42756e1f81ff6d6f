/**
 * What the load benchmarks (bench/executor.bench.ts, bench/scale.bench.ts) share about their
 * contenders: the bundles (the executor, and the hand-written endpoint of hand-written-main.ts),
 * each one's environment, the bearer tokens, the requests autocannon sends, and the check that
 * every answer was a 200.
 */
import { join } from "node:path";
import type { RequestSpec, Result } from "autocannon";
import { SignJWT, type CryptoKey } from "jose";
import { bundleExecutor, bundleNodeProgram } from "../../build/bundle-executor";
import { writeManifest, type AppManifest } from "../../executor/app/manifest";
import { BENCH_AUDIENCE, BENCH_ISSUER, booking, type Seeded } from "./bench-app";
import type { Guarantees } from "./hand-written";

export interface Bundles {
  executorFile: string;
  manifestFile: string;
  handWrittenFile: string;
}

/** The executor bundle with its manifest, and the hand-written endpoint's bundle, under `work`. */
export async function bundleContenders(work: string, root: string, manifest: AppManifest): Promise<Bundles> {
  const executorFile = (await bundleExecutor(join(work, "executor"), { root })).file;
  const manifestFile = join(work, "executor", "manifest.json");
  writeManifest(manifestFile, manifest);
  const handWrittenFile = (
    await bundleNodeProgram({
      root,
      entry: join(root, "bench", "executor", "hand-written-main.ts"),
      outfile: join(work, "hand-written", "server.js"),
    })
  ).file;
  return { executorFile, manifestFile, handWrittenFile };
}

/** The hand-written endpoint's environment (hand-written-main.ts). */
export function handWrittenEnv(o: { guarantees: Guarantees; dbUrl: string; poolMax: number; publicJwk: string }): Record<string, string> {
  return {
    BENCH_GUARANTEES: o.guarantees,
    BENCH_DB_URL: o.dbUrl,
    BENCH_POOL_MAX: String(o.poolMax),
    BENCH_PUBLIC_JWK: o.publicJwk,
    BENCH_ISSUER,
    BENCH_AUDIENCE,
  };
}

/** A customer's bearer token, signed with the bench's key (its JWKS: startJwks). */
export function benchToken(privateKey: CryptoKey, sub: string): Promise<string> {
  return new SignJWT({ roles: ["customer"] })
    .setProtectedHeader({ alg: "ES256", kid: "bench" })
    .setSubject(sub)
    .setIssuer(BENCH_ISSUER)
    .setAudience(BENCH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime("2h")
    .sign(privateKey);
}

/** POST /reservations, each request a new booking (`next()` numbers them) with its own idempotency key. */
export function bookingRequest(seeded: Seeded, writerToken: string, next: () => number): RequestSpec {
  return {
    method: "POST",
    path: "/reservations",
    setupRequest: (request) => {
      const b = booking(seeded, next());
      return {
        ...request,
        headers: { authorization: `Bearer ${writerToken}`, "content-type": "application/json", "idempotency-key": b.key },
        body: b.body,
      };
    },
  };
}

/** A load phase fails unless every answer was a 2xx (the benchmarks only send requests that succeed). */
export function checkAnswers(result: Result, what: string): void {
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${what}: ${result.non2xx} non-2xx answers and ${result.errors} errors (${JSON.stringify(result.statusCodeStats)})`);
  }
}
