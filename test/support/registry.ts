/**
 * A real registry for the image tests: Debian's docker-registry (distribution 2.8) on
 * 127.0.0.1:<free port>, TLS from a self-signed certificate made here (IP SAN 127.0.0.1), storage
 * in a temporary folder, and either htpasswd basic auth or token (Bearer) auth. One per test file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { requireTools, run } from "./test-tools";

export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
  /** The PEM of the registry's certificate. */
  readonly ca: string;
  /** A folder holding the certificate as `ca.crt`, for skopeo's --cert-dir. */
  readonly certDir: string;
  /** `user:password`, for skopeo's --creds. */
  readonly creds: string;
  /** The repositories the registry holds. */
  catalog(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A self-signed certificate for 127.0.0.1 (and a key), written into `dir` as `name.crt` and `name.key`. */
export function selfSignedCertificate(dir: string, name: string, subject = "/CN=127.0.0.1"): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-subj",
    subject,
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  return { cert, key };
}

export interface TokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file of the certificate whose key signs the tokens. */
  rootCertBundle: string;
}

export async function startRegistry(options: { token?: TokenAuth; username?: string; password?: string } = {}): Promise<TestRegistry> {
  requireTools();
  const dir = mkdtempSync(join(tmpdir(), "fascia-registry-"));
  const { cert, key } = selfSignedCertificate(dir, "registry");
  // skopeo's --cert-dir reads *.crt as CAs (and would pair *.cert/*.key as a client certificate): the CA alone.
  const certDir = join(dir, "certs");
  mkdirSync(certDir);
  copyFileSync(cert, join(certDir, "ca.crt"));
  const username = options.username ?? "fascia";
  const password = options.password ?? "s3cret-test-password";
  const htpasswd = join(dir, "htpasswd");
  writeFileSync(htpasswd, run("htpasswd", ["-Bbn", username, password]));
  const port = await freePort();
  const auth = options.token
    ? `  token:\n    realm: ${options.token.realm}\n    service: ${options.token.service}\n    issuer: ${options.token.issuer}\n    rootcertbundle: ${options.token.rootCertBundle}\n`
    : `  htpasswd:\n    realm: fascia-test\n    path: ${htpasswd}\n`;
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "storage")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n  secret: fascia-test-secret\n  tls:\n    certificate: ${cert}\n    key: ${key}\nauth:\n${auth}`,
  );
  const child: ChildProcess = spawn("/usr/bin/docker-registry", ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // A test process that ends without stop() (a crash, a timeout) takes its registry with it.
  const orphaned = () => child.kill("SIGKILL");
  process.once("exit", orphaned);
  const ca = readFileSync(cert, "utf8");
  const dispatcher = new Agent({ connect: { ca } });
  const host = `127.0.0.1:${port}`;
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  for (let waited = 0; ; waited += 50) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}):\n${stderr}`);
    try {
      const res = await request(`https://${host}/v2/`, { dispatcher });
      await res.body.dump();
      if (res.statusCode === 200 || res.statusCode === 401) break;
    } catch {
      // not listening yet
    }
    if (waited > 10_000) throw new Error(`docker-registry did not answer on ${host} within 10 s:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    host,
    username,
    password,
    ca,
    certDir,
    creds: `${username}:${password}`,
    async catalog() {
      if (options.token) throw new Error("catalog() reads with basic auth: not on a token-auth registry");
      const res = await request(`https://${host}/v2/_catalog`, { dispatcher, headers: { authorization: basic } });
      const body = (await res.body.json()) as { repositories: string[] };
      return body.repositories;
    },
    async stop() {
      process.off("exit", orphaned);
      await dispatcher.close();
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
