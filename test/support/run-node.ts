/** Runs a TypeScript program of this repository in a Node process of its own (through tsx), and collects its output. */
import { spawn } from "node:child_process";

export interface NodeRun {
  code: number | null;
  out: string;
  err: string;
}

/** `nodeArgs` go to Node before the program (e.g. `--max-old-space-size=64`); the test runner's NODE_OPTIONS are not passed on. */
export function runTs(program: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<NodeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", program, ...args], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}
