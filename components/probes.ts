/**
 * The Cloud Run probes of the executor's container. Pure: no Pulumi imports.
 *
 * Startup on the readiness path: a new revision takes traffic only once the executor reaches its
 * database and finds the schema the migration job applied (`/readyz` answers 503 with the reason
 * otherwise), so a revision that cannot serve fails the deploy instead of failing requests.
 * Liveness on the health path, which answers from the process alone: a database outage must not
 * make Cloud Run restart every instance (a restart cannot fix the database, and it drops the
 * requests in flight), while a wedged process is still replaced.
 */
import { HEALTH_PATH, READINESS_PATH } from "../contracts/routes";

/** The port the executor listens on in its container. */
export const EXECUTOR_PORT = 8080;

/**
 * Where the executor serves /metrics, on the instance's loopback only (FASCIA_METRICS_PORT): a
 * sidecar scrapes it, the internet cannot. 9464 is the port OpenTelemetry's Prometheus exporter uses.
 */
export const METRICS_PORT = 9464;

export interface HttpProbe {
  httpGet: { path: string; port: number };
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

export function executorProbes(port = EXECUTOR_PORT): { startupProbe: HttpProbe; livenessProbe: HttpProbe } {
  return {
    // /readyz may wait 5 s for a connection (executor/server/build-server.ts): a 6 s timeout lets
    // it answer, below the 10 s period Cloud Run requires it to be under; 12 tries give a cold
    // start two minutes, within Cloud Run's 240 s bound on a startup probe's period × threshold.
    startupProbe: {
      httpGet: { path: READINESS_PATH, port },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 6,
      failureThreshold: 12,
    },
    livenessProbe: {
      httpGet: { path: HEALTH_PATH, port },
      initialDelaySeconds: 0,
      periodSeconds: 15,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
  };
}
