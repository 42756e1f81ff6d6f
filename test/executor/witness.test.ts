import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointJson, nextCheckpoint, type Checkpoint } from "../../executor/audit/checkpoint";
import { DirectoryWitness } from "../../executor/audit/directory-witness";
import { GcsWitness, MetadataTokenSource } from "../../executor/audit/gcs-witness";
import { openWitness, parseWitnessSpec } from "../../executor/audit/open-witness";
import { checkpointObjectName, WitnessConflict, type Witness } from "../../executor/audit/witness";
import { startGcsServer, type GcsServer } from "../support/gcs-server";

const hex = (n: number) => n.toString(16).padStart(64, "0");

/** `n` checkpoints linked by hash, over two chains whose heads move on. */
function checkpoints(n: number): Checkpoint[] {
  const out: Checkpoint[] = [];
  for (let i = 1; i <= n; i++) {
    const heads = [
      { chain: 0, seq: i * 3, hash: hex(i * 7) },
      { chain: 1, seq: i * 2, hash: hex(i * 11) },
    ];
    out.push(nextCheckpoint(out[out.length - 1], heads, new Date(Date.UTC(2026, 11, 3, 0, 0, i)).toISOString()));
  }
  return out;
}

/** The same id as `c`, other heads: what a rewritten log would checkpoint. */
function forged(c: Checkpoint): Checkpoint {
  const prev = c.id === 1 ? undefined : { id: c.id - 1, hash: c.prevHash };
  return nextCheckpoint(prev, [{ chain: 0, seq: 1, hash: hex(999) }], c.at);
}

async function all(witness: Witness): Promise<Checkpoint[]> {
  const out: Checkpoint[] = [];
  for await (const c of witness.read()) out.push(c);
  return out;
}

async function publishAll(witness: Witness, list: Checkpoint[], concurrency = 10): Promise<void> {
  for (let i = 0; i < list.length; i += concurrency) await Promise.all(list.slice(i, i + concurrency).map((c) => witness.publish(c)));
}

const BUCKET = "fascia-audit-test";
const TOKEN = "ya29.test-token";
let gcs: GcsServer;
let dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "fascia-witness-"));
  dirs.push(dir);
  return dir;
};

beforeEach(async () => {
  gcs = await startGcsServer({ bucket: BUCKET, token: TOKEN });
});
afterEach(async () => {
  await gcs.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

interface Kind {
  name: string;
  open(pageSize: number): Witness;
  /** Puts `text` under checkpoint name `name` (relative to the witness's root) behind the witness's back. */
  plant(name: string, text: string): void;
  /** How many checkpoint objects are stored. */
  count(): number;
}

const kinds: [string, () => Kind][] = [
  [
    "directory witness",
    () => {
      const dir = tempDir();
      return {
        name: "directory",
        open: (pageSize) => new DirectoryWitness(dir, { pageSize }),
        plant(name, text) {
          mkdirSync(join(dir, name, ".."), { recursive: true });
          writeFileSync(join(dir, name), text);
        },
        count: () => readdirSync(join(dir, "checkpoints")).filter((f) => f.endsWith(".json") && !f.startsWith(".")).length,
      };
    },
  ],
  [
    "Cloud Storage witness",
    () => ({
      name: "gcs",
      open: (pageSize) =>
        new GcsWitness({ bucket: BUCKET, prefix: "prod/", baseUrl: gcs.url, accessToken: TOKEN, pageSize, retryDelayMs: 1, env: {} }),
      plant: (name, text) => gcs.objects.set(`prod/${name}`, text),
      count: () => [...gcs.objects.keys()].filter((k) => k.startsWith("prod/checkpoints/")).length,
    }),
  ],
];

describe.each(kinds)("%s", (_label, make) => {
  it("reads back every checkpoint in id order across pages, whatever order they were published in", async () => {
    const kind = make();
    const witness = kind.open(100);
    const list = checkpoints(250);
    // Published out of order (a reverse walk), so the order read is the witness's, not the insertion's.
    await publishAll(witness, [...list].reverse());
    expect(kind.count()).toBe(250);
    const read = await all(witness);
    expect(read.map((c) => c.id)).toEqual(list.map((c) => c.id));
    expect(read).toEqual(list);
    if (kind.name === "gcs") {
      const lists = gcs.requests.filter((r) => r.method === "GET" && r.path.endsWith("/o"));
      expect(lists).toHaveLength(3);
      expect(lists.map((r) => r.query.get("maxResults"))).toEqual(["100", "100", "100"]);
      expect(lists[0]!.query.get("prefix")).toBe("prod/checkpoints/");
      expect(lists[1]!.query.get("pageToken")).toBeTruthy();
    }
  });

  it("reads nothing from an empty witness", async () => {
    const kind = make();
    expect(await all(kind.open(10))).toEqual([]);
  });

  it("takes the same checkpoint again and refuses a different one with the same id", async () => {
    const kind = make();
    const witness = kind.open(10);
    const [first, second] = checkpoints(2);
    await witness.publish(first!);
    await witness.publish(second!);
    await expect(witness.publish(second!)).resolves.toBeUndefined();
    await expect(witness.publish(first!)).resolves.toBeUndefined();
    const other = forged(second!);
    const refusal = await witness.publish(other).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WitnessConflict);
    expect(refusal).toMatchObject({ id: 2, witnessed: second!.hash, offered: other.hash });
    // What was witnessed stays.
    expect(await all(witness)).toEqual([first, second]);
  });

  it("takes a stored copy that is the same checkpoint written differently, and calls an unreadable one a conflict", async () => {
    const kind = make();
    const witness = kind.open(10);
    const [first, second] = checkpoints(2);
    // The same fields in another order: not the same bytes, the same checkpoint.
    const { id, at, heads, prevHash, hash } = first!;
    kind.plant(checkpointObjectName(1), JSON.stringify({ hash, prevHash, heads, at, id }, null, 2));
    await expect(witness.publish(first!)).resolves.toBeUndefined();
    kind.plant(checkpointObjectName(2), "not a checkpoint");
    await expect(witness.publish(second!)).rejects.toBeInstanceOf(WitnessConflict);
  });

  it("ignores objects not named like checkpoints", async () => {
    const kind = make();
    const witness = kind.open(2);
    const list = checkpoints(3);
    await publishAll(witness, list);
    kind.plant("checkpoints/README.txt", "notes");
    kind.plant("checkpoints/12.json", checkpointJson(list[0]!));
    kind.plant("checkpoints/0000000000001.json", checkpointJson(list[0]!));
    kind.plant("other/000000000004.json", checkpointJson(list[0]!));
    kind.plant("checkpoints/000000000002.json.tmp", "partial");
    expect((await all(witness)).map((c) => c.id)).toEqual([1, 2, 3]);
  });

  it("refuses a checkpoint stored under another id's name", async () => {
    const kind = make();
    const witness = kind.open(10);
    const list = checkpoints(2);
    kind.plant(checkpointObjectName(1), checkpointJson(list[0]!));
    kind.plant(checkpointObjectName(7), checkpointJson(list[1]!));
    await expect(all(witness)).rejects.toThrow(/holds checkpoint #2, not #7/);
  });
});

describe("directory witness", () => {
  it("leaves no temporary files behind and writes the checkpoint's JSON", async () => {
    const dir = tempDir();
    const witness = new DirectoryWitness(dir);
    const [first] = checkpoints(1);
    await witness.publish(first!);
    await witness.publish(first!);
    await witness.publish(forged(first!)).catch(() => undefined);
    expect(readdirSync(join(dir, "checkpoints"))).toEqual(["000000000001.json"]);
    expect(readFileSync(join(dir, "checkpoints/000000000001.json"), "utf8")).toBe(checkpointJson(first!));
  });

  it("publishing the same id concurrently stores one copy and refuses the different one", async () => {
    const dir = tempDir();
    const witness = new DirectoryWitness(dir);
    const [first] = checkpoints(1);
    const other = forged(first!);
    const results = await Promise.allSettled([witness.publish(first!), witness.publish(other), witness.publish(first!)]);
    const stored = readFileSync(join(dir, "checkpoints/000000000001.json"), "utf8");
    const winner = stored === checkpointJson(first!) ? first! : other;
    expect([first, other].map((c) => checkpointJson(c!))).toContain(stored);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(winner === first ? 1 : 2);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(WitnessConflict);
  });

  it("says a witness directory that does not exist cannot be read", async () => {
    const witness = new DirectoryWitness(join(tempDir(), "missing"));
    await expect(all(witness)).rejects.toThrow(/missing cannot be read: it does not exist/);
  });
});

describe("Cloud Storage witness", () => {
  const open = (options: Partial<ConstructorParameters<typeof GcsWitness>[0]> = {}) =>
    new GcsWitness({ bucket: BUCKET, baseUrl: gcs.url, retryDelayMs: 1, env: {}, ...options });

  it("uploads with ifGenerationMatch=0 under the prefix and labels itself gs://bucket/prefix", async () => {
    const witness = open({ prefix: "a/b/", accessToken: TOKEN });
    expect(witness.label).toBe(`gs://${BUCKET}/a/b`);
    const [first] = checkpoints(1);
    await witness.publish(first!);
    const upload = gcs.requests.find((r) => r.method === "POST")!;
    expect(upload.path).toBe(`/upload/storage/v1/b/${BUCKET}/o`);
    expect(upload.query.get("ifGenerationMatch")).toBe("0");
    expect(upload.query.get("uploadType")).toBe("media");
    expect(upload.query.get("name")).toBe("a/b/checkpoints/000000000001.json");
    expect(gcs.objects.get("a/b/checkpoints/000000000001.json")).toBe(checkpointJson(first!));
  });

  it("the stand-in bucket refuses overwriting and deleting, as a retention policy does", async () => {
    const [first] = checkpoints(1);
    await open({ accessToken: TOKEN }).publish(first!);
    const name = encodeURIComponent("checkpoints/000000000001.json");
    const auth = { authorization: `Bearer ${TOKEN}` };
    const overwrite = await fetch(`${gcs.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=${name}`, {
      method: "POST",
      headers: auth,
      body: "{}",
    });
    expect(overwrite.status).toBe(403);
    const remove = await fetch(`${gcs.url}/storage/v1/b/${BUCKET}/o/${name}`, { method: "DELETE", headers: auth });
    expect(remove.status).toBe(403);
    expect(gcs.objects.get("checkpoints/000000000001.json")).toBe(checkpointJson(first!));
  });

  it("compares when an upload is refused with 403 because the object is there (no right to overwrite)", async () => {
    const [first] = checkpoints(1);
    gcs.objects.set("checkpoints/000000000001.json", checkpointJson(first!));
    // A witness that does not send the precondition: the bucket answers 403, as Cloud Storage does for a retained object.
    const witness = open({
      accessToken: TOKEN,
      fetch: (input, init) => fetch(String(input).replace("&ifGenerationMatch=0", ""), init),
    });
    await expect(witness.publish(first!)).resolves.toBeUndefined();
    await expect(witness.publish(forged(first!))).rejects.toBeInstanceOf(WitnessConflict);
  });

  it("gets its token from the metadata server once and caches it until shortly before it expires", async () => {
    let now = 1_000_000;
    const tokens = new MetadataTokenSource({ host: gcs.host, retry: { delayMs: 1 }, now: () => now });
    const witness = open({ accessToken: tokens });
    const list = checkpoints(30);
    await publishAll(witness, list);
    expect(await all(witness)).toHaveLength(30);
    expect(gcs.tokenRequests).toBe(1);
    now += 3599_000 - 61_000;
    await all(witness);
    expect(gcs.tokenRequests).toBe(1);
    now += 2_000; // within a minute of expiring: a new token
    await all(witness);
    expect(gcs.tokenRequests).toBe(2);
  });

  it("takes the metadata server from GCE_METADATA_HOST, and the token from GOOGLE_OAUTH_ACCESS_TOKEN before it", async () => {
    const [first] = checkpoints(1);
    await open({ env: { GCE_METADATA_HOST: gcs.host } }).publish(first!);
    expect(gcs.tokenRequests).toBe(1);
    await open({ env: { GCE_METADATA_HOST: gcs.host, GOOGLE_OAUTH_ACCESS_TOKEN: TOKEN } }).publish(first!);
    expect(gcs.tokenRequests).toBe(1);
  });

  it("asks the metadata server for a new token when Cloud Storage refuses the cached one", async () => {
    const witness = open({ metadataHost: gcs.host });
    const [first, second] = checkpoints(2);
    await witness.publish(first!);
    gcs.setToken("ya29.rotated");
    await witness.publish(second!);
    expect(gcs.tokenRequests).toBe(2);
    expect(gcs.objects.size).toBe(2);
  });

  it("says clearly when the token is refused", async () => {
    const witness = open({ env: { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.expired" } });
    const [first] = checkpoints(1);
    await expect(witness.publish(first!)).rejects.toThrow(
      /gs:\/\/fascia-audit-test: Cloud Storage refused the access token \(401\) from GOOGLE_OAUTH_ACCESS_TOKEN: Invalid Credentials\. .*gcloud auth print-access-token/,
    );
    await expect(all(witness)).rejects.toThrow(/refused the access token \(401\)/);
    expect(gcs.objects.size).toBe(0);
  });

  it("says clearly when there is no metadata server", async () => {
    const witness = open({ metadataHost: "127.0.0.1:1" });
    await expect(all(witness)).rejects.toThrow(
      /no access token: the metadata server \(127\.0\.0\.1:1\) could not be reached.*GOOGLE_OAUTH_ACCESS_TOKEN/,
    );
  });

  it("retries 429 and 5xx a bounded number of times", async () => {
    const [first, second] = checkpoints(2);
    const witness = open({ accessToken: TOKEN, maxAttempts: 4 });
    gcs.failNext(3, 503);
    await witness.publish(first!);
    expect(gcs.objects.size).toBe(1);
    gcs.failNext(2, 429);
    expect(await all(witness)).toEqual([first]);
    gcs.failNext(4, 503);
    await expect(witness.publish(second!)).rejects.toThrow(/answered 503: try again/);
    expect(gcs.objects.size).toBe(1);
  });

  it("names a bucket that is not there", async () => {
    const witness = new GcsWitness({ bucket: "no-such-bucket", baseUrl: gcs.url, accessToken: TOKEN, env: {} });
    await expect(all(witness)).rejects.toThrow(/gs:\/\/no-such-bucket: GET answered 404: The specified bucket does not exist/);
  });

  it("goes to STORAGE_EMULATOR_HOST without a token, as Google's clients do", async () => {
    const seen: string[] = [];
    const witness = new GcsWitness({
      bucket: BUCKET,
      env: { STORAGE_EMULATOR_HOST: gcs.host },
      fetch: (input, init) => {
        seen.push(`${new URL(String(input)).host} ${JSON.stringify((init?.headers as Record<string, string>).authorization ?? null)}`);
        return fetch(input, init);
      },
    });
    await expect(all(witness)).rejects.toThrow(/401/);
    expect(seen).toEqual([`${gcs.host} null`]);
  });
});

describe("openWitness", () => {
  it("opens a bucket, with or without a prefix", () => {
    expect(parseWitnessSpec("gs://my-bucket")).toEqual({ kind: "gcs", bucket: "my-bucket", prefix: "" });
    expect(parseWitnessSpec("gs://my-bucket/")).toEqual({ kind: "gcs", bucket: "my-bucket", prefix: "" });
    expect(parseWitnessSpec("gs://my.bucket_1/audit/prod/")).toEqual({ kind: "gcs", bucket: "my.bucket_1", prefix: "audit/prod/" });
    const witness = openWitness("gs://my-bucket/audit", { gcs: { accessToken: "t" } });
    expect(witness).toBeInstanceOf(GcsWitness);
    expect(witness.label).toBe("gs://my-bucket/audit");
    expect((witness as GcsWitness).prefix).toBe("audit/");
  });

  it("opens a directory, a relative one from the working directory", () => {
    expect(parseWitnessSpec("/var/fascia/witness")).toEqual({ kind: "directory", dir: "/var/fascia/witness" });
    expect(parseWitnessSpec(".fascia/witness", "/home/me/app")).toEqual({ kind: "directory", dir: "/home/me/app/.fascia/witness" });
    expect(parseWitnessSpec("file:///tmp/w")).toEqual({ kind: "directory", dir: "/tmp/w" });
    const witness = openWitness("w", { cwd: "/srv" });
    expect(witness).toBeInstanceOf(DirectoryWitness);
    expect(witness.label).toBe("/srv/w");
  });

  it("refuses anything else by name", () => {
    expect(() => openWitness("s3://bucket/x")).toThrow(
      /s3:\/\/ is not a witness Fascia can write to \(a witness is gs:\/\/bucket\[\/prefix\] or a local directory\)/,
    );
    expect(() => openWitness("https://storage.googleapis.com/b")).toThrow(/https:\/\/ is not a witness/);
    expect(() => openWitness("gs://")).toThrow(/"" is not a Cloud Storage bucket name/);
    expect(() => openWitness("gs://My_Bucket")).toThrow(/"My_Bucket" is not a Cloud Storage bucket name/);
    expect(() => openWitness("  ")).toThrow(/the audit witness is empty/);
  });
});
