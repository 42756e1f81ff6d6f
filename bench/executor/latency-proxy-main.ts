/**
 * The latency proxy's process (bench/executor/latency-proxy.ts): LATENCY_PROXY_TARGET=host:port,
 * LATENCY_PROXY_DELAY_MS (one way, fractional allowed), LATENCY_PROXY_PORT (0 or unset: any free
 * port). Prints `{"port":N}` on stdout once it listens; stops on SIGTERM.
 */
import type { AddressInfo } from "node:net";
import { listenLatencyProxy } from "./latency-proxy";

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const [host, port] = (env.LATENCY_PROXY_TARGET ?? "127.0.0.1:5432").split(":");
  const delayMs = Number(env.LATENCY_PROXY_DELAY_MS);
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error("LATENCY_PROXY_DELAY_MS must be a number of ms ≥ 0");
  const server = await listenLatencyProxy({
    target: { host: host!, port: Number(port) },
    delayMs,
    port: Number(env.LATENCY_PROXY_PORT || 0),
  });
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  process.once("SIGTERM", () => process.exit(0));
}

main(process.env).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
