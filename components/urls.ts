/** URLs of a deployed tool. Pure: no Pulumi imports. Routes themselves are a shared contract (contracts/routes.ts). */

/** `https://host` + `/path`, without a doubled slash when the URL ends with one. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}
