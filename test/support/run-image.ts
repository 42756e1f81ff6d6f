/**
 * The executor as its image runs it, without a container engine: the rootfs an image unpacks to
 * (umoci) holds /app/executor.js and /app/manifest.json; this machine's node runs the program
 * with the image's environment pointed at the rootfs, a free port, a real PostgreSQL database and
 * the settings docs/executor-config.md requires, and /healthz is asked.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { manifestPlanHash, readManifest } from "../../executor/app/manifest";
import { createPgDatabase } from "./databases";
import { freePort } from "./registry";

/** Spawns `node ROOTFS/app/executor.js`, waits for GET /healthz, stops it; resolves the status and the manifest's plan hash. */
export async function healthOfUnpackedImage(rootfs: string): Promise<{ status: number; planHash: string }> {
  const manifestFile = join(rootfs, "app", "manifest.json");
  const planHash = manifestPlanHash(readManifest(manifestFile));
  const db = await createPgDatabase();
  const port = await freePort();
  const child = spawn(process.execPath, [join(rootfs, "app", "executor.js")], {
    cwd: join(rootfs, "app"),
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      FASCIA_APP_MANIFEST: manifestFile,
      PORT: String(port),
      FASCIA_DB_URL: db.url,
      FASCIA_PLAN_HASH: planHash,
      FASCIA_AUTH_ISSUER: "https://issuer.image.test",
      FASCIA_AUTH_AUDIENCE: "https://app.image.test",
      FASCIA_AUTH_JWKS_URL: "http://127.0.0.1:9/jwks",
      FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "ops-token",
      FASCIA_SECRET_PAYMENTS_API_KEY: "sk_test_image",
      FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "whsec_image",
      FASCIA_SMTP_URL: "smtp://127.0.0.1:9",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    for (let waited = 0; ; waited += 100) {
      if (child.exitCode !== null) throw new Error(`the executor exited (${child.exitCode}):\n${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return { status: res.status, planHash };
      } catch {
        // not listening yet
      }
      if (waited > 15_000) throw new Error(`the executor did not answer within 15 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    await db.drop();
  }
}
