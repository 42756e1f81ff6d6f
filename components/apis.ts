/** The Google APIs the deployment uses; each becomes a `gcp.projects.Service`. Pure. */
export const REQUIRED_APIS: readonly string[] = [
  "artifactregistry.googleapis.com",
  "iam.googleapis.com",
  "run.googleapis.com",
  "secretmanager.googleapis.com",
  "sqladmin.googleapis.com",
  // The audit witness's bucket (components/fascia-deployment.ts).
  "storage.googleapis.com",
];

export const SCHEDULER_API = "cloudscheduler.googleapis.com";
export const PRIVATE_NETWORK_API = "servicenetworking.googleapis.com";

export function requiredApis(options: { scheduled: boolean; privateNetwork: boolean }): string[] {
  const apis = [...REQUIRED_APIS];
  if (options.scheduled) apis.push(SCHEDULER_API);
  if (options.privateNetwork) apis.push(PRIVATE_NETWORK_API);
  return apis.sort();
}

/** `sqladmin.googleapis.com` → `sqladmin`: the part of a child's logical name. */
export function apiShortName(api: string): string {
  return api.replace(/\.googleapis\.com$/, "");
}
