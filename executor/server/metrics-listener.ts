/**
 * GET /metrics on a port of its own, bound to 127.0.0.1: per-tool counts and latencies are for the
 * operator's scraper, not for whoever can reach the service's URL. On Cloud Run a sidecar in the
 * same instance (Google Cloud Managed Service for Prometheus's collector, or an OpenTelemetry
 * collector) scrapes it over the instance's loopback; nothing outside the instance can.
 *
 * node:http rather than a second fastify instance: one route, no body, no plugins — fastify would
 * add startup time to every cold start for nothing it does here.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { METRICS_PATH } from "../../contracts/routes";
import type { ToolMetrics } from "../observability/metrics";

export interface MetricsListener {
  /** `http://127.0.0.1:<port>` */
  address: string;
  close(): Promise<void>;
}

export async function listenForMetrics(metrics: ToolMetrics, port: number): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== METRICS_PATH) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
