/**
 * `fascia image` end to end, in process: --oci writes a layout skopeo reads; --push sends the
 * image to a loopback TLS docker-registry with token (Bearer) auth, the credentials coming from
 * FASCIA_REGISTRY_USERNAME/PASSWORD through a token server, and prints REPOSITORY@sha256:… as its
 * last line, the digest skopeo finds; a tool that may not deploy is exit 1 with nothing built or
 * sent; usage errors are exit 2.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import { packageRoot } from "../../build/bundle-executor";
import { REGISTRY_ENV } from "../../build/oci/registry-access";
import { startRegistry, type TestRegistry } from "../support/registry";
import { startTokenServer, type TokenServer } from "../support/token-server";
import { makeBaseLayout } from "../support/oci-base";
import { runAsync } from "../support/test-tools";
import { GREEN_TOOL, ITEM, RED_TOOL } from "../components/support/small-app";

const EXAMPLE = join(packageRoot(), "examples", "reservations");
const USER = { username: "cli-user", password: "cli-password" };

let work: string;
let base: string;
let tokens: TokenServer;
let registry: TestRegistry;
let caFile: string;

function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), isTTY: false };
}

async function image(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = captureIO();
  const code = await runCli(["image", ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "fascia-oci-cli-"));
  base = makeBaseLayout(join(work, "base"));
  tokens = await startTokenServer(USER);
  registry = await startRegistry({ token: tokens.auth, ...USER });
  caFile = join(registry.certDir, "ca.crt");
  process.env[REGISTRY_ENV.username] = USER.username;
  process.env[REGISTRY_ENV.password] = USER.password;
}, 60_000);
afterAll(async () => {
  delete process.env[REGISTRY_ENV.username];
  delete process.env[REGISTRY_ENV.password];
  await registry?.stop();
  await tokens?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("fascia image", () => {
  it("--oci writes a layout skopeo reads, with the digest it printed", async () => {
    const out = join(work, "layout");
    const run = await image([EXAMPLE, "--base", base, "--oci", out, "--tag", "app"]);
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    const [, digest] = /^wrote oci:.*:app@(sha256:[0-9a-f]{64})$/.exec(run.stdout.at(-1)!)!;
    expect(JSON.parse(await runAsync("skopeo", ["inspect", `oci:${out}:app`])).Digest).toBe(digest);
  });

  it("--push sends it through the registry's Bearer flow and ends with REPOSITORY@sha256:…, the digest skopeo finds", async () => {
    const repository = `${registry.host}/cli/executor`;
    const run = await image([EXAMPLE, "--base", base, "--push", repository, "--tag", "v1", "--ca-file", caFile]);
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout.at(-1)).toMatch(new RegExp(`^${repository.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`));
    expect(run.stdout.join("\n")).toMatch(/pushed: 3 blobs uploaded, 0 mounted, 0 already present; tagged v1/);
    const digest = run.stdout.at(-1)!.split("@")[1];
    const inspected = JSON.parse(
      await runAsync("skopeo", [
        "inspect",
        "--cert-dir",
        registry.certDir,
        "--creds",
        `${USER.username}:${USER.password}`,
        `docker://${repository}:v1`,
      ]),
    ) as { Digest: string };
    expect(inspected.Digest).toBe(digest);
    // The token endpoint was asked, with the user's credentials, for push access to the repository.
    expect(tokens.requests).toEqual(
      expect.arrayContaining([{ user: USER.username, scopes: expect.arrayContaining(["repository:cli/executor:pull,push"]) }]),
    );
    // Pushed again: everything is there.
    const again = await image([EXAMPLE, "--base", base, "--push", repository, "--ca-file", caFile]);
    expect(again.stdout.at(-1)).toBe(run.stdout.at(-1));
    expect(again.stdout.join("\n")).toMatch(/pushed: 0 blobs uploaded, 0 mounted, 3 already present/);
  });

  it("exits 1, building and sending nothing, when a tool may not deploy, with the governance messages", async () => {
    const specs = join(work, "red");
    mkdirSync(specs);
    for (const spec of [ITEM, GREEN_TOOL, RED_TOOL]) writeFileSync(join(specs, `${spec.name}.json`), JSON.stringify(spec));
    const asked = tokens.requests.length;
    const pushed = await image([specs, "--base", base, "--push", `${registry.host}/red/executor`, "--ca-file", caFile]);
    expect(pushed.code).toBe(1);
    expect(pushed.stdout).toEqual([]);
    expect(pushed.stderr.join("\n")).toMatch(/^fascia image: 1 of 2 tools may not deploy, so no image was built:\n/);
    expect(pushed.stderr.join("\n")).toContain(`tool ${RED_TOOL.name} may not deploy: it is RED`);
    expect(tokens.requests.length).toBe(asked);
    const out = join(work, "red-layout");
    expect((await image([specs, "--base", base, "--oci", out])).code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it("exits 2 on usage errors: a missing folder, neither or both of --push and --oci, a base by tag only", async () => {
    const missing = await image([join(work, "nowhere"), "--oci", join(work, "x")]);
    expect(missing).toMatchObject({ code: 2, stderr: [expect.stringMatching(/does not exist/)] });
    expect((await image([EXAMPLE])).stderr).toEqual([expect.stringMatching(/exactly one of --push REPOSITORY or --oci DIR/)]);
    expect((await image([EXAMPLE])).code).toBe(2);
    expect((await image([EXAMPLE, "--push", `${registry.host}/x`, "--oci", join(work, "x")])).code).toBe(2);
    const tagged = await image([EXAMPLE, "--base", "gcr.io/distroless/nodejs20-debian12:latest", "--oci", join(work, "x")]);
    expect(tagged).toMatchObject({ code: 2, stderr: [expect.stringMatching(/pinned by digest/)] });
    expect((await image([EXAMPLE, "--push", `${registry.host}/x:tag`])).code).toBe(2);
    expect(existsSync(join(work, "x"))).toBe(false);
  });
});
