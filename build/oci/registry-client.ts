/**
 * The registry HTTP API (OCI distribution spec) as far as pushing an image needs it: manifests
 * and blobs read, blobs checked (HEAD), mounted from another repository of the same registry,
 * uploaded monolithically (POST a session, PUT the bytes with their digest), and the manifest
 * put. Every request may meet a 401 once: the challenge is answered (registry-auth.ts) and the
 * request sent again, so a body is given as a function that makes it afresh.
 */
import { rootCertificates } from "node:tls";
import type { Readable } from "node:stream";
import { Agent, request, type Dispatcher } from "undici";
import { apiHost } from "./reference";
import {
  basicAuthorization,
  credentialSource,
  parseChallenge,
  tokenOf,
  tokenUrl,
  type Challenge,
  type CredentialSource,
  type RegistryAccess,
} from "./registry-auth";
import { RegistryError, registryErrors, type RegistryErrorDetail } from "./registry-error";
import { MANIFEST_ACCEPT } from "./media-types";
import type { Descriptor } from "./descriptor";

type Body = Buffer | Readable;

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
  url: string;
}

function header(sent: Sent, name: string): string | undefined {
  const value = sent.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class RegistryClient {
  readonly origin: string;
  private readonly dispatcher: Agent;
  private readonly credentials: CredentialSource;
  private authorization: string | undefined;

  constructor(
    /** `host[:port]` of the registry. */
    readonly registry: string,
    access: RegistryAccess = {},
    /** Token scopes asked for besides the challenge's (`repository:NAME:pull` of a repository mounted from). */
    private readonly scopes: readonly string[] = [],
  ) {
    this.origin = `https://${apiHost(registry)}`;
    this.dispatcher = new Agent({ connect: access.ca ? { ca: [...rootCertificates, access.ca.toString()] } : {} });
    this.credentials = credentialSource(registry, access);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /** One request, answering one 401 challenge. `path` is absolute (`/v2/…`) or a full URL (an upload Location). */
  private async send(
    method: Dispatcher.HttpMethod,
    path: string,
    options: { headers?: Record<string, string>; body?: () => Body | Promise<Body>; redirects?: boolean } = {},
  ): Promise<Sent> {
    const url = new URL(path, this.origin).toString();
    let body: Body | undefined;
    const attempt = async (): Promise<Sent> => {
      const headers = { ...options.headers, ...(this.authorization ? { authorization: this.authorization } : {}) };
      body = options.body ? await options.body() : undefined;
      const res = await request(url, {
        method,
        headers,
        dispatcher: this.dispatcher,
        ...(body !== undefined ? { body } : {}),
        ...(options.redirects ? { maxRedirections: 5 } : {}),
      });
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    };
    const first = await attempt();
    if (first.status !== 401) return first;
    // A streamed body the registry did not take (a base layer from its registry) is let go; the retry opens it afresh.
    if (body !== undefined && !Buffer.isBuffer(body)) body.destroy();
    const challengeText = header(first, "www-authenticate");
    const errors = registryErrors(await first.body.text());
    const challenge = challengeText ? parseChallenge(challengeText) : undefined;
    if (!challenge) throw new RegistryError(method, url, 401, errors, "no WWW-Authenticate challenge to answer");
    const before = this.authorization;
    await this.authenticate(challenge, method, url, errors);
    // Credentials already sent and refused: asking again would be refused again.
    if (this.authorization === before) throw new RegistryError(method, url, 401, errors, "the registry refused the credentials");
    return attempt();
  }

  private async authenticate(challenge: Challenge, method: string, url: string, errors: readonly RegistryErrorDetail[]): Promise<void> {
    const credentials = await this.credentials();
    if (challenge.scheme === "basic") {
      if (!credentials)
        throw new RegistryError(method, url, 401, errors, "the registry wants a username and password, and none were given");
      this.authorization = basicAuthorization(credentials);
      return;
    }
    if (challenge.scheme !== "bearer")
      throw new RegistryError(method, url, 401, errors, `unsupported authentication scheme ${challenge.scheme}`);
    const realm = tokenUrl(challenge, this.scopes);
    const res = await request(realm, {
      method: "GET",
      headers: credentials ? { authorization: basicAuthorization(credentials) } : {},
      dispatcher: this.dispatcher,
    });
    const body = await res.body.text();
    if (res.statusCode !== 200)
      throw new RegistryError(
        "GET",
        realm,
        res.statusCode,
        registryErrors(body),
        `the token endpoint refused${this.credentials.problem ? ` (${this.credentials.problem})` : ""}`,
      );
    const token = tokenOf(body);
    if (!token) throw new RegistryError("GET", realm, res.statusCode, [], "the token endpoint answered no token");
    this.authorization = `Bearer ${token}`;
  }

  private async fail(sent: Sent, method: string, doing: string): Promise<never> {
    const text = method === "HEAD" ? "" : await sent.body.text().catch(() => "");
    const refused = (sent.status === 401 || sent.status === 403) && this.credentials.problem;
    throw new RegistryError(
      method,
      sent.url,
      sent.status,
      registryErrors(text),
      refused ? `${doing} (${this.credentials.problem})` : doing,
    );
  }

  /** A manifest's exact bytes (`reference` a digest or a tag) and its media type. */
  async getManifest(repository: string, reference: string): Promise<{ bytes: Buffer; mediaType: string | undefined }> {
    const sent = await this.send("GET", `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
    if (sent.status !== 200) return this.fail(sent, "GET", `reading the manifest ${repository}@${reference}`);
    const bytes = Buffer.from(await sent.body.arrayBuffer());
    return { bytes, mediaType: header(sent, "content-type")?.split(";")[0]?.trim() };
  }

  /** A blob's bytes as a stream (registries often redirect to storage; the Authorization header stays behind). */
  async openBlob(repository: string, digest: string): Promise<Readable> {
    const sent = await this.send("GET", `/v2/${repository}/blobs/${digest}`, { redirects: true });
    if (sent.status !== 200) return this.fail(sent, "GET", `reading the blob ${digest} of ${repository}`);
    return sent.body;
  }

  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const stream = await this.openBlob(repository, digest);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const sent = await this.send("HEAD", `/v2/${repository}/blobs/${digest}`);
    await sent.body.dump();
    if (sent.status === 200) return true;
    if (sent.status === 404) return false;
    return this.fail(sent, "HEAD", `checking for the blob ${digest} in ${repository}`);
  }

  /**
   * Asks the registry to link a blob it holds in `from` into `repository` (201); when it cannot
   * (202) the answer is an upload session to send the bytes to instead.
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const path = `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const sent = await this.send("POST", path, { headers: { "content-length": "0" } });
    await sent.body.dump();
    if (sent.status === 201) return { mounted: true };
    if (sent.status === 202) return { mounted: false, location: this.location(sent, "POST") };
    return this.fail(sent, "POST", `mounting the blob ${digest} from ${from} into ${repository}`);
  }

  async startUpload(repository: string): Promise<string> {
    const sent = await this.send("POST", `/v2/${repository}/blobs/uploads/`, { headers: { "content-length": "0" } });
    if (sent.status !== 202) return this.fail(sent, "POST", `starting an upload to ${repository}`);
    await sent.body.dump();
    return this.location(sent, "POST");
  }

  private location(sent: Sent, method: string): string {
    const location = header(sent, "location");
    if (!location) throw new RegistryError(method, sent.url, sent.status, [], "the registry answered no upload Location");
    return new URL(location, sent.url).toString();
  }

  /** The whole blob in one PUT to the upload session (monolithic upload). */
  async putBlob(location: string, descriptor: Descriptor, body: () => Body | Promise<Body>): Promise<void> {
    const url = new URL(location);
    url.searchParams.set("digest", descriptor.digest);
    const sent = await this.send("PUT", url.toString(), {
      headers: { "content-type": "application/octet-stream", "content-length": String(descriptor.size) },
      body,
    });
    await sent.body.dump();
    if (sent.status !== 201) return this.fail(sent, "PUT", `uploading the blob ${descriptor.digest}`);
  }

  /** Puts a manifest's exact bytes under `reference` (its digest, or a tag); returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const sent = await this.send("PUT", `/v2/${repository}/manifests/${reference}`, {
      headers: { "content-type": mediaType, "content-length": String(bytes.length) },
      body: () => bytes,
    });
    if (sent.status !== 201) return this.fail(sent, "PUT", `putting the manifest ${repository}:${reference}`);
    await sent.body.dump();
    return header(sent, "docker-content-digest");
  }
}
