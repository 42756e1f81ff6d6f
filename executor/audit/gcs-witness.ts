/**
 * A witness in a Cloud Storage bucket (`gs://bucket[/prefix]`): checkpoint `id` is the object
 * `<prefix>checkpoints/<id, 12 digits>.json`. The deployment creates the bucket with a retention
 * policy, so no one — the database's users included — can delete or overwrite an object before it
 * expires, and grants the executor's service account object creation (and reading, for the
 * comparison below), never deletion.
 *
 * publish uploads with `ifGenerationMatch=0` (create only if absent). 412 means the object exists:
 * its content is read and compared (the same checkpoint is fine, a different one is a conflict), so
 * publishing again after a crash or a retried upload is harmless. read lists the objects a page at a
 * time (Cloud Storage lists names in lexicographic order, and the names are zero-padded, so that is
 * id order) and reads each page's objects.
 *
 * Why fetch and not @google-cloud/storage, which the design card would prefer as the well-kept
 * library: this runs inside the executor bundle, whose cold start is benchmarked, and the library
 * brings google-auth-library, gaxios, retry-request and more for two REST calls (an upload and a
 * list) and one token request. The subset of the JSON API used here is small and stable:
 * objects.insert (media upload), objects.list, objects.get (alt=media).
 *
 * The access token: GOOGLE_OAUTH_ACCESS_TOKEN when set (an operator's machine:
 * `GOOGLE_OAUTH_ACCESS_TOKEN=$(gcloud auth print-access-token) fascia audit verify …`), otherwise the
 * metadata server's token for the instance's service account (Cloud Run), cached until shortly
 * before it expires. Like Google's client libraries, STORAGE_EMULATOR_HOST points the API at an
 * emulator (without a token unless one is given) and GCE_METADATA_HOST the metadata server elsewhere.
 */
import { checkpointJson, parseCheckpoint, type Checkpoint } from "./checkpoint";
import { checkpointIdOf, checkpointObjectName, expectSameCopy, type Witness } from "./witness";

export const DEFAULT_STORAGE_BASE_URL = "https://storage.googleapis.com";
export const DEFAULT_METADATA_HOST = "metadata.google.internal";
const TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";
/** A cached token is dropped this long before it expires, so no request carries one that expires in flight. */
const TOKEN_MARGIN_MS = 60_000;
/** How many objects read() fetches at once. */
const READ_CONCURRENCY = 16;

type Fetch = typeof fetch;

export interface GcsWitnessOptions {
  bucket: string;
  /** Object names start with it: "" or a path ending in "/". */
  prefix?: string;
  /** The JSON API's root (default STORAGE_EMULATOR_HOST, else https://storage.googleapis.com). */
  baseUrl?: string;
  /** A fixed token, or where tokens come from (default: GOOGLE_OAUTH_ACCESS_TOKEN, else the metadata server). */
  accessToken?: string | AccessTokenSource;
  /** Where the metadata server is (default GCE_METADATA_HOST, else metadata.google.internal): host[:port] or a URL. */
  metadataHost?: string;
  /** The environment the defaults are read from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: Fetch;
  /** maxResults of a list request, and how many objects are read at once (default 1000). */
  pageSize?: number;
  /** Attempts per request on a network error, 429 or 5xx (default 5). */
  maxAttempts?: number;
  /** The first retry's delay, doubled each time (default 250 ms). */
  retryDelayMs?: number;
  /** Each request's deadline (default 30 s). */
  timeoutMs?: number;
}

/** Hands out an access token; `invalidate` drops a cached one Cloud Storage refused. */
export interface AccessTokenSource {
  readonly description: string;
  token(): Promise<string>;
  invalidate?(): void;
}

export class GcsWitness implements Witness {
  readonly label: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly baseUrl: string;
  private readonly tokens: AccessTokenSource | undefined;
  private readonly fetch: Fetch;
  private readonly pageSize: number;
  private readonly retry: RetryOptions;

  constructor(options: GcsWitnessOptions) {
    const env = options.env ?? process.env;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? "";
    if (this.prefix !== "" && !this.prefix.endsWith("/"))
      throw new Error(`a witness prefix ends with "/" (got ${JSON.stringify(this.prefix)})`);
    this.label = `gs://${this.bucket}${this.prefix ? `/${this.prefix.replace(/\/$/, "")}` : ""}`;
    const emulator = env.STORAGE_EMULATOR_HOST?.trim();
    this.baseUrl = withScheme(options.baseUrl ?? (emulator || DEFAULT_STORAGE_BASE_URL));
    this.fetch = options.fetch ?? fetch;
    this.pageSize = Math.max(1, Math.min(1000, options.pageSize ?? 1000));
    this.retry = {
      maxAttempts: Math.max(1, options.maxAttempts ?? 5),
      delayMs: options.retryDelayMs ?? 250,
      timeoutMs: options.timeoutMs ?? 30_000,
    };
    const envToken = env.GOOGLE_OAUTH_ACCESS_TOKEN?.trim();
    if (typeof options.accessToken === "string") this.tokens = fixedToken(options.accessToken, "the access token given");
    else if (options.accessToken) this.tokens = options.accessToken;
    else if (envToken) this.tokens = fixedToken(envToken, "GOOGLE_OAUTH_ACCESS_TOKEN");
    // An emulator takes requests without a token, as with Google's clients.
    else if (emulator && !options.baseUrl) this.tokens = undefined;
    else
      this.tokens = new MetadataTokenSource({
        host: options.metadataHost ?? env.GCE_METADATA_HOST,
        fetch: this.fetch,
        retry: this.retry,
      });
  }

  async publish(checkpoint: Checkpoint): Promise<void> {
    const name = checkpointObjectName(checkpoint.id, this.prefix);
    const text = checkpointJson(checkpoint);
    const url =
      `${this.baseUrl}/upload/storage/v1/b/${encodeURIComponent(this.bucket)}/o` +
      `?uploadType=media&name=${encodeURIComponent(name)}&ifGenerationMatch=0`;
    const response = await this.request("POST", url, { body: text, contentType: "application/json" }, [200, 201, 412, 403]);
    if (response.status === 200 || response.status === 201) return;
    // 412: the object exists. 403 may mean the same where overwriting is what is refused (a retention
    // policy, no delete permission): whether the object is there decides.
    const stored = await this.readObject(name, response.status === 403 ? response : undefined);
    if (stored === undefined) throw this.refused("POST", name, response);
    expectSameCopy(stored, checkpoint, `${this.label}: ${name}`);
  }

  async *read(): AsyncIterable<Checkpoint> {
    let pageToken: string | undefined;
    let last = 0;
    do {
      const query = new URLSearchParams({
        prefix: `${this.prefix}checkpoints/`,
        maxResults: String(this.pageSize),
        fields: "items(name),nextPageToken",
      });
      if (pageToken) query.set("pageToken", pageToken);
      const url = `${this.baseUrl}/storage/v1/b/${encodeURIComponent(this.bucket)}/o?${query}`;
      const response = await this.request("GET", url, {}, [200]);
      const page = parseJson(response.text, `${this.label}: a list of objects`) as {
        items?: { name?: unknown }[];
        nextPageToken?: unknown;
      };
      const named = (page.items ?? [])
        .map((item) => (typeof item?.name === "string" ? { name: item.name, id: checkpointIdOf(item.name, this.prefix) } : undefined))
        .filter((item): item is { name: string; id: number } => item?.id !== undefined)
        .sort((a, b) => a.id - b.id);
      if (named.length > 0 && named[0]!.id <= last)
        throw new Error(`${this.label}: the list went back from checkpoint #${last} to #${named[0]!.id}; objects are listed in name order`);
      // A few objects at a time, in order: a page of a thousand is not a thousand requests at once.
      for (let start = 0; start < named.length; start += READ_CONCURRENCY) {
        const batch = named.slice(start, start + READ_CONCURRENCY);
        const texts = await Promise.all(batch.map(({ name }) => this.readObject(name)));
        for (const [i, { name, id }] of batch.entries()) {
          const text = texts[i];
          // Listed, then gone: a bucket with a retention policy does not lose objects; say so rather than skip.
          if (text === undefined) throw new Error(`${this.label}: ${name} was listed but cannot be found`);
          const checkpoint = parseCheckpoint(text, `${this.label}: ${name}`);
          if (checkpoint.id !== id) throw new Error(`${this.label}: ${name} holds checkpoint #${checkpoint.id}, not #${id}`);
          last = id;
          yield checkpoint;
        }
      }
      pageToken = typeof page.nextPageToken === "string" && page.nextPageToken !== "" ? page.nextPageToken : undefined;
    } while (pageToken);
  }

  /** An object's content, or undefined when there is none (404; with `refusal`, 403 too). */
  private async readObject(name: string, refusal?: StorageResponse): Promise<string | undefined> {
    const url = `${this.baseUrl}/storage/v1/b/${encodeURIComponent(this.bucket)}/o/${encodeURIComponent(name)}?alt=media`;
    const response = await this.request("GET", url, {}, refusal ? [200, 404, 403] : [200, 404]);
    if (response.status === 404) return undefined;
    if (response.status === 403) throw this.refused("POST", name, refusal!);
    return response.text;
  }

  /** One request, with a token, retried on network errors, 429 and 5xx; any status not in `expected` throws. */
  private async request(
    method: string,
    url: string,
    { body, contentType }: { body?: string; contentType?: string },
    expected: number[],
  ): Promise<StorageResponse> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {};
      if (this.tokens) headers.authorization = `Bearer ${await this.tokens.token()}`;
      if (contentType) headers["content-type"] = contentType;
      let response: StorageResponse;
      try {
        response = await exchange(this.fetch, url, { method, headers, body }, this.retry.timeoutMs);
      } catch (error) {
        if (await again(this.retry, attempt)) continue;
        throw new Error(`${this.label}: ${method} to ${hostOf(url)} failed after ${attempt} attempts: ${describe(error)}`, {
          cause: error,
        });
      }
      if (expected.includes(response.status)) return response;
      // A cached token Cloud Storage no longer takes (revoked, clock skew): one more try with a new one.
      if (response.status === 401 && !refreshed && this.tokens?.invalidate) {
        refreshed = true;
        this.tokens.invalidate();
        continue;
      }
      if (retryable(response.status) && (await again(this.retry, attempt))) continue;
      throw this.refused(method, url, response);
    }
  }

  private refused(method: string, what: string, response: StorageResponse): Error {
    const name = what.startsWith("http") ? "" : ` ${what}`;
    const reason = errorMessage(response.text);
    if (response.status === 401)
      return new Error(
        `${this.label}: Cloud Storage refused the access token (401) from ${this.tokens?.description ?? "nowhere (no token was sent)"}` +
          `${reason ? `: ${reason}` : ""}. On an operator's machine, set GOOGLE_OAUTH_ACCESS_TOKEN=$(gcloud auth print-access-token).`,
      );
    if (response.status === 403)
      return new Error(
        `${this.label}: ${method}${name} was refused (403)${reason ? `: ${reason}` : ""}. The account behind ${
          this.tokens?.description ?? "the request"
        } may lack the permission on the bucket (creating needs roles/storage.objectCreator, reading roles/storage.objectViewer).`,
      );
    return new Error(`${this.label}: ${method}${name} answered ${response.status}${reason ? `: ${reason}` : ""}`);
  }
}

interface StorageResponse {
  status: number;
  text: string;
}

interface RetryOptions {
  maxAttempts: number;
  delayMs: number;
  timeoutMs: number;
}

function fixedToken(token: string, description: string): AccessTokenSource {
  return { description, token: () => Promise.resolve(token) };
}

/**
 * The token of the instance's default service account from the metadata server (Cloud Run, GCE),
 * cached until TOKEN_MARGIN_MS before it expires; concurrent callers share one request.
 */
export class MetadataTokenSource implements AccessTokenSource {
  readonly description: string;
  private readonly url: string;
  private readonly fetch: Fetch;
  private readonly retry: RetryOptions;
  private readonly now: () => number;
  private cached: { token: string; until: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(options: { host?: string; fetch?: Fetch; retry?: Partial<RetryOptions>; now?: () => number } = {}) {
    this.url = `${withScheme(options.host?.trim() || DEFAULT_METADATA_HOST)}${TOKEN_PATH}`;
    this.description = `the metadata server (${hostOf(this.url)})`;
    this.fetch = options.fetch ?? fetch;
    this.retry = { maxAttempts: 3, delayMs: 250, timeoutMs: 5_000, ...options.retry };
    this.now = options.now ?? Date.now;
  }

  token(): Promise<string> {
    if (this.cached && this.now() < this.cached.until) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const hint = "Off Google Cloud, set GOOGLE_OAUTH_ACCESS_TOKEN=$(gcloud auth print-access-token).";
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      try {
        ({ status, text } = await exchange(this.fetch, this.url, { headers: { "Metadata-Flavor": "Google" } }, this.retry.timeoutMs));
      } catch (error) {
        // A name that does not resolve is not a metadata server that will answer later.
        const notFound = /ENOTFOUND|EAI_AGAIN/.test(describe(error));
        if (!notFound && (await again(this.retry, attempt))) continue;
        throw new Error(`no access token: ${this.description} could not be reached (${describe(error)}). ${hint}`, { cause: error });
      }
      if (retryable(status) && (await again(this.retry, attempt))) continue;
      if (status !== 200)
        throw new Error(`no access token: ${this.description} answered ${status}${text ? `: ${text.slice(0, 200)}` : ""}. ${hint}`);
      const body = parseJson(text, `${this.description}'s token`) as { access_token?: unknown; expires_in?: unknown };
      if (typeof body.access_token !== "string" || body.access_token === "")
        throw new Error(`no access token: ${this.description} answered without an access_token`);
      const expiresInMs = (typeof body.expires_in === "number" ? body.expires_in : 0) * 1000;
      this.cached = { token: body.access_token, until: this.now() + Math.max(0, expiresInMs - TOKEN_MARGIN_MS) };
      return body.access_token;
    }
  }
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** One request with a timeout, its answer read whole; a network failure or the timeout rejects. */
async function exchange(fetch: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<StorageResponse> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

/** After failed attempt `attempt`: false when it was the last one allowed, else true once the backoff has passed. */
async function again(retry: RetryOptions, attempt: number): Promise<boolean> {
  if (attempt >= retry.maxAttempts) return false;
  await sleep(backoff(retry, attempt));
  return true;
}

function backoff(retry: RetryOptions, attempt: number): number {
  const delay = retry.delayMs * 2 ** (attempt - 1);
  return delay / 2 + Math.random() * (delay / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `host[:port]` → `http://host[:port]` (an emulator, a metadata server); a URL stays as it is, without a trailing "/". */
function withScheme(hostOrUrl: string): string {
  return (/^[a-z][a-z0-9+.-]*:\/\//i.test(hostOrUrl) ? hostOrUrl : `http://${hostOrUrl}`).replace(/\/+$/, "");
}

/** Messages name the host only: query strings carry object names, and nothing here should carry a token. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "an invalid URL";
  }
}

function describe(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : (e?.message ?? String(error));
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Cloud Storage's error body `{error: {message}}`, or the start of whatever else came. */
function errorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200).trim();
}
