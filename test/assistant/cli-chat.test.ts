/**
 * `fascia chat` against the scripted model server on a temporary copy of examples/reservations:
 * what is accepted reaches the disk spliced into its file (the rest byte for byte), what is
 * rejected, failed or dry-run does not, and the key appears in no output and no file.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/main";
import { loadSpecDir } from "../../loader/load";
import type { CliIO } from "../../cli/io";
import { startModelServer, type ModelServer, type ScriptStep } from "../support/model-server";
import { CREATE_INVOICE_RED, EXAMPLE, INVOICE, INVOICE_DOCS, propose, SECRET_KEY } from "./fixtures";

const NOT_SUSPENDED = `kind: Policy
name: notSuspended
rule: "!('suspended' in caller.roles)"
message: "suspended accounts cannot change anything"
`;
const POLICY_UPDATE = { file: "policies.yaml", kind: "Policy", name: "notSuspended", yaml: NOT_SUSPENDED };
const VALID: ScriptStep[] = [propose(...INVOICE_DOCS, POLICY_UPDATE), { reply: { text: "Added invoices; reworded a policy." } }];

let server: ModelServer;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startModelServer();
  for (const name of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "FASCIA_MODEL_API_KEY", "FASCIA_MODEL", "FASCIA_MODEL_BASE_URL"])
    delete process.env[name];
  process.env.FASCIA_MODEL_PROVIDER = "openai";
  process.env.OPENAI_API_KEY = SECRET_KEY;
});
afterAll(async () => {
  process.env = saved;
  await server.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fascia-chat-"));
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes(".fascia") });
  server.requests.splice(0);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function chat(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false };
  const code = await runCli(["chat", dir, "--base-url", `${server.url}/v1`, "--model", "scripted", ...argv], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Every file below `root`, as text. */
function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(path.slice(root.length + 1), readFileSync(path, "utf8"));
    }
  };
  walk(root);
  return files;
}

function expectNoKey(...texts: string[]): void {
  for (const text of [...texts, ...snapshot(dir).values()]) expect(text.includes(SECRET_KEY)).toBe(false);
}

test("--message --yes: accepted documents are written, each spliced into its file, everything else byte for byte", async () => {
  const before = snapshot(dir);
  server.setScript(VALID);
  const result = await chat("--message", "Add invoices", "--yes");
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
  expect(result.out).toContain("Proposal (valid after 1 round): 3 documents");
  expect(result.out).toContain("tool createInvoice: (none) → green");
  expect(result.out).toMatch(/\[green\] .*invoice/i);
  expect(result.out).toContain('+message: "suspended accounts cannot change anything"');
  const after = snapshot(dir);
  expect(after.get("entities/invoice.yaml")).toBe(INVOICE);
  expect(after.get("tools/create-invoice.yaml")).toBe(INVOICE_DOCS[1]!.yaml);
  // policies.yaml: the first document and the `---` exactly as they were, the second replaced.
  const policies = before.get("policies.yaml")!;
  const cut = policies.indexOf("---\n") + 4;
  expect(after.get("policies.yaml")).toBe(policies.slice(0, cut) + NOT_SUSPENDED);
  for (const [file, text] of before) if (file !== "policies.yaml") expect(after.get(file)).toBe(text);
  expect(result.out).toContain("written: ── update Policy notSuspended (policies.yaml, document 2)");
  expectNoKey(result.out, result.err);
});

test("--dry-run shows the proposal and writes nothing", async () => {
  const before = snapshot(dir);
  server.setScript(VALID);
  const result = await chat("--message", "Add invoices", "--dry-run");
  expect(result.code).toBe(0);
  expect(result.out).toContain("rejected: ── create Entity Invoice");
  expect(snapshot(dir)).toEqual(before);
});

test("a model that never repairs: exit 1, the reasons shown, nothing written", async () => {
  const before = snapshot(dir);
  const red = propose(INVOICE_DOCS[0]!, { ...INVOICE_DOCS[1]!, yaml: CREATE_INVOICE_RED });
  server.setScript([red, red]);
  const result = await chat("--message", "Add invoices", "--yes", "--rounds", "2");
  expect(result.code).toBe(1);
  expect(result.out).toContain("Proposal failed (2 rounds): not repaired in 2 rounds: tool createInvoice is Red");
  expect(result.out).toContain("R001");
  expect(snapshot(dir)).toEqual(before);
});

test("a model error: exit 1 with the provider's message, redacted, nothing written", async () => {
  const before = snapshot(dir);
  server.setScript([(request) => ({ fault: "server-error", status: 401, message: `bad key ${String(request.headers.authorization)}` })]);
  const result = await chat("--message", "Add invoices", "--yes");
  expect(result.code).toBe(1);
  expect(result.err).toMatch(/^fascia chat: openai answered 401: .*bad key Bearer \[redacted\]/);
  expect(snapshot(dir)).toEqual(before);
  expectNoKey(result.out, result.err);
});

test("usage errors: exit 2 (no key, both --yes and --dry-run, a missing folder)", async () => {
  expect((await chat("--message", "x", "--yes", "--dry-run")).code).toBe(2);
  expect(await runCli(["chat", join(dir, "missing"), "--message", "x"], { out: () => {}, err: () => {}, isTTY: false })).toBe(2);
  delete process.env.OPENAI_API_KEY;
  try {
    const err: string[] = [];
    const code = await runCli(["chat", dir, "--message", "x"], { out: () => {}, err: (s) => err.push(s), isTTY: false });
    expect(code).toBe(2);
    expect(err.join("")).toContain("no API key: set OPENAI_API_KEY or FASCIA_MODEL_API_KEY");
  } finally {
    process.env.OPENAI_API_KEY = SECRET_KEY;
  }
  expect(server.requests).toHaveLength(0);
});

test("interactive, as a person runs it (a child process, Anthropic streamed): accept one document, reject another", async () => {
  const before = snapshot(dir);
  server.setScript(VALID);
  const env = { ...saved, FASCIA_MODEL_PROVIDER: "anthropic", ANTHROPIC_API_KEY: SECRET_KEY, FASCIA_MODEL_BASE_URL: server.url };
  const child = spawn(join("node_modules", ".bin", "tsx"), ["cli/main.ts", "chat", dir], { env, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  // Invoice yes, createInvoice no, the policy yes; then an empty line ends the chat.
  child.stdin.end("Add invoices\ny\nn\nyes\n\n");
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(out).toContain("Accept create Entity Invoice? [y/n]");
  expect(out).toContain("rejected: ── create Tool createInvoice");
  const after = snapshot(dir);
  expect(after.get("entities/invoice.yaml")).toBe(INVOICE);
  expect(existsSync(join(dir, "tools/create-invoice.yaml"))).toBe(false);
  expect(after.get("policies.yaml")).toContain("cannot change anything");
  expect(after.size).toBe(before.size + 1);
  expect(server.requests[0]!.protocol).toBe("anthropic");
  expectNoKey(out, err);
  // The app as written loads: the accepted documents need nothing that was rejected.
  expect(loadSpecDir(dir).diagnostics).toEqual([]);
}, 30000);
