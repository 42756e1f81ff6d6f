/**
 * /metrics stays off the public port when FASCIA_METRICS_PORT is set (as a deployment sets it):
 * the service's own port answers 404 there, and the loopback listener serves the Prometheus text
 * with the invocations the public port counted. Unset (a local run), /metrics is a route of PORT.
 */
import { createServer, type AddressInfo } from "node:net";
import { startExecutor } from "../../executor/server/start";
import { nightlyAppEnv } from "./support/nightly-app";

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe("where /metrics is served", () => {
  it("with FASCIA_METRICS_PORT: on 127.0.0.1 at that port only, counting what the public port served", async () => {
    const port = await freePort();
    const running = await startExecutor({ ...nightlyAppEnv("fascia-metrics-"), FASCIA_METRICS_PORT: String(port) }, "127.0.0.1");
    try {
      expect(running.metricsAddress).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${running.address}/metrics`)).status).toBe(404);
      expect((await fetch(`${running.address}/nowhere`)).status).toBe(404);
      const metrics = await fetch(`${running.metricsAddress}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await metrics.text()).toMatch(/fascia_tool_invocations_total\{tool="\(none\)",status="404"\} 2/);
      expect((await fetch(`${running.metricsAddress}/healthz`)).status).toBe(404);
    } finally {
      await running.close();
    }
    // Closed with the executor: the port is free again.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it("without it: a route of the service's port, as in local runs", async () => {
    const running = await startExecutor(nightlyAppEnv("fascia-metrics-"), "127.0.0.1");
    try {
      expect(running.metricsAddress).toBeUndefined();
      const metrics = await fetch(`${running.address}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain("# HELP fascia_tool_invocations_total");
    } finally {
      await running.close();
    }
  });
});
