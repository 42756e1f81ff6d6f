/** URLs of a deployed tool. Pure: no Pulumi imports. Routes themselves are a shared contract (contracts/routes.ts). */

/** `https://host` + `/path`, without a doubled slash when the URL ends with one. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}

/** A DNS label, such as the first one of a run.app host, is at most this long. */
const DNS_LABEL_MAX = 63;

/**
 * The URL Cloud Run gives a service whatever its revision, known before the service exists:
 * `https://<service>-<project number>.<region>.run.app`. Cloud Run assigns it only when
 * `<service>-<project number>` fits in one DNS label; otherwise there is no such URL to compute.
 */
export function cloudRunServiceUrl(service: string, projectNumber: string, region: string): string {
  const label = `${service}-${projectNumber}`;
  if (!/^\d+$/.test(projectNumber)) throw new Error(`the project number of service ${service} is not known (got "${projectNumber}")`);
  if (label.length > DNS_LABEL_MAX)
    throw new Error(
      `Cloud Run gives service ${service} no deterministic URL: "${label}" is longer than ${DNS_LABEL_MAX} characters; give the deployment a shorter name`,
    );
  return `https://${label}.${region}.run.app`;
}
