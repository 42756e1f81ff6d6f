/**
 * The commands the image tests drive (docker-registry, skopeo, umoci, htpasswd), installed by
 * scripts/test-tools.sh from Debian's packages. Jest's globalSetup runs the script once per run;
 * a test that needs a tool calls requireTools(), which fails with the reason when one is missing.
 */
import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";

export const TOOLS = ["docker-registry", "skopeo", "umoci", "htpasswd", "openssl"] as const;
export const TEST_TOOLS_SCRIPT = join(__dirname, "..", "..", "scripts", "test-tools.sh");

export function missingTools(): string[] {
  return TOOLS.filter(
    (tool) => spawnSync("sh", ["-c", `command -v ${tool} || test -x /usr/bin/${tool} || test -x /usr/sbin/${tool}`]).status !== 0,
  );
}

export function requireTools(): void {
  const missing = missingTools();
  if (missing.length > 0)
    throw new Error(
      `the image tests need ${missing.join(", ")}: run ${TEST_TOOLS_SCRIPT} (as root or with sudo; it installs docker-registry skopeo umoci apache2-utils)`,
    );
}

/** Runs a command, throwing its stderr when it fails. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): string {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: options.env ?? process.env,
    input: options.input,
    timeout: 60_000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stderr}${result.error ? String(result.error) : ""}`,
    );
  return result.stdout;
}

/** The same without blocking the event loop: for a command that talks to a server in this process (the token server). */
export function runAsync(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { encoding: "utf8", env: options.env ?? process.env, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(" ")} failed (${error.code ?? error.signal}):\n${stderr}`)) : resolve(stdout),
    ),
  );
}
