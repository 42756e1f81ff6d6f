/**
 * Servers as child processes, started the way the image starts them (`node <bundle>`, the
 * environment only, stdout to /dev/null as a log sink), and their cold start: the time from
 * spawn to the first 200 on /readyz (ready: the database answers), so both sides pay for their
 * first database connection, as a Cloud Run startup probe on /readyz would.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";

export interface ServerProcess {
  url: string;
  /** CPU time the process has used so far (all its threads, user + system), in ms; null off Linux. */
  cpuMs(): number | null;
  stop(): Promise<void>;
}

/** Linux's clock tick (`getconf CLK_TCK`), 100 on every kernel Node supports. */
const TICKS_PER_S = 100;

/** utime + stime of a process from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name). */
export function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return null;
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function start(file: string, env: Record<string, string>, port: number): { child: ChildProcess; stderr: () => string } {
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (for finding hot spots).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, file], {
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return { child, stderr: () => stderr };
}

async function untilOk(
  url: string,
  path: "/healthz" | "/readyz",
  child: ChildProcess,
  stderr: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode}) before answering ${path}:\n${stderr()}`);
    try {
      if ((await fetch(`${url}${path}`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url}: no 200 on ${path} within ${timeoutMs} ms:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    });
}

export async function startServer(file: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const { child, stderr } = start(file, env, port);
  const url = `http://127.0.0.1:${port}`;
  await untilOk(url, "/healthz", child, stderr);
  return { url, cpuMs: () => cpuMsOf(child.pid), stop: stopper(child) };
}

export interface ColdStart {
  /** Milliseconds from spawn to the first 200 on /readyz. */
  ms: number;
  /** CPU the process had used by then (user + system, 10 ms ticks), null off Linux: less sensitive than `ms` to a busy machine. */
  cpuMs: number | null;
}

/** Spawn → first 200 on /readyz; the process is stopped afterwards. */
export async function coldStart(file: string, env: Record<string, string>): Promise<ColdStart> {
  const port = await freePort();
  const t0 = performance.now();
  const { child, stderr } = start(file, env, port);
  await untilOk(`http://127.0.0.1:${port}`, "/readyz", child, stderr);
  const ms = performance.now() - t0;
  const cpuMs = cpuMsOf(child.pid);
  await stopper(child)();
  return { ms, cpuMs };
}
