/**
 * Who we are to a registry. A request goes out without credentials; on 401 the registry's
 * WWW-Authenticate challenge says how to try again (distribution's token spec):
 *   - `Basic realm=…`: the username and password, on every later request;
 *   - `Bearer realm=…,service=…,scope=…`: a GET of the realm (with the username and password in
 *     Basic, when there are any) answers `{token}` or `{access_token}`, sent as `Bearer <token>`.
 * Without credentials, a Google registry (`*.pkg.dev`, `gcr.io`, `*.gcr.io`) gets an OAuth access
 * token from Application Default Credentials as the password of the user `oauth2accesstoken`,
 * which is what `gcloud auth configure-docker` arranges for Docker.
 */

/** How to reach a registry. Nothing given: anonymous, or Application Default Credentials for a Google registry. */
export interface RegistryAccess {
  username?: string;
  password?: string;
  /** Extra PEM certificate(s) trusted for TLS, on top of Node's own roots (a private or test registry). */
  ca?: string | Buffer;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://…",service="…",scope="repository:a:pull,push"` → scheme and parameters (quoted strings may hold commas). */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pair = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/g;
  for (let m = pair.exec(match[2]!); m; m = pair.exec(match[2]!))
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3]!;
  return { scheme: match[1]!.toLowerCase(), params };
}

export function isGoogleRegistry(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return name.endsWith(".pkg.dev") || name === "gcr.io" || name.endsWith(".gcr.io");
}

export const GOOGLE_OAUTH_USER = "oauth2accesstoken";
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

async function applicationDefaultToken(): Promise<string> {
  const { GoogleAuth } = await import("google-auth-library");
  const token = await new GoogleAuth({ scopes: [CLOUD_PLATFORM] }).getAccessToken();
  if (!token) throw new Error("Application Default Credentials gave no access token (gcloud auth application-default login)");
  return token;
}

/**
 * The credentials for `host`, looked up once when a registry first asks for them. When
 * Application Default Credentials are not set up, the registry is tried anonymously (a public
 * base image on gcr.io needs nothing) and `problem` says why, for the refusal that may follow.
 */
export interface CredentialSource {
  (): Promise<Credentials | undefined>;
  problem?: string;
}

export function credentialSource(host: string, access: RegistryAccess = {}): CredentialSource {
  let found: Promise<Credentials | undefined> | undefined;
  const source: CredentialSource = () => {
    found ??= (async () => {
      if (access.username !== undefined || access.password !== undefined)
        return { username: access.username ?? "", password: access.password ?? "" };
      if (!isGoogleRegistry(host)) return undefined;
      try {
        return { username: GOOGLE_OAUTH_USER, password: await applicationDefaultToken() };
      } catch (error) {
        source.problem = `no Application Default Credentials for ${host} (${(error as Error).message}), so it was asked anonymously`;
        return undefined;
      }
    })();
    return found;
  };
  return source;
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64")}`;
}

/** The token endpoint's URL for a Bearer challenge and every scope wanted (the challenge's and the caller's). */
export function tokenUrl(challenge: Challenge, scopes: readonly string[]): string {
  const realm = challenge.params.realm;
  if (!realm) throw new Error("the registry's Bearer challenge names no realm");
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  const all = new Set([...(challenge.params.scope ? challenge.params.scope.split(" ") : []), ...scopes]);
  for (const scope of all) url.searchParams.append("scope", scope);
  return url.toString();
}

/** The token in a token endpoint's answer (`token`, or OAuth 2's `access_token`). */
export function tokenOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { token?: unknown; access_token?: unknown };
    const token = parsed.token ?? parsed.access_token;
    return typeof token === "string" && token ? token : undefined;
  } catch {
    return undefined;
  }
}
