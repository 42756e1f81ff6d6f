/**
 * Said once when the executor starts: the app has scheduled tools, but this configuration refuses
 * every scheduler token (no scheduler account, or no service URL to check the token's audience
 * against). Each run is still refused with its own 401; the start line says it before the first
 * nightly run fails.
 */
import type { AppManifest } from "../app/manifest";
import { ENV } from "../../contracts/environment";
import type { ExecutorConfig } from "./config";

export function scheduledToolsWarning(manifest: AppManifest, scheduler: ExecutorConfig["scheduler"]): string | undefined {
  const scheduled = manifest.specs.tools.filter((t) => t.trigger.schedule).map((t) => t.name);
  if (scheduled.length === 0) return undefined;
  const missing = [
    ...(scheduler ? [] : [ENV.schedulerServiceAccount]),
    ...(scheduler?.audience ? [] : [`${ENV.schedulerAudience} (this service's own URL)`]),
  ];
  if (missing.length === 0) return undefined;
  return `scheduled tools cannot be authenticated, so every run of ${scheduled.join(", ")} will be refused (401): ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set`;
}
