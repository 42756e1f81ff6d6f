/**
 * Jest's globalSetup: the tools the image tests drive are installed before any test file runs
 * (scripts/test-tools.sh, a no-op when they are there). With CI set a failed install fails the
 * run; without CI it is reported, and the tests that need the tools fail naming what is missing.
 */
import { spawnSync } from "node:child_process";
import { TEST_TOOLS_SCRIPT } from "./test-tools";

export default function globalSetup(): void {
  const result = spawnSync("bash", [TEST_TOOLS_SCRIPT], { encoding: "utf8", timeout: 600_000 });
  if (result.status === 0) return;
  const message = `scripts/test-tools.sh failed (${result.status ?? result.signal}):\n${result.stderr}`;
  if (process.env.CI) throw new Error(message);
  console.warn(
    `\n${"!".repeat(78)}\n!! ${message.replace(/\n/g, "\n!! ")}\n!! The image tests (test/build/oci-*) will fail.\n${"!".repeat(78)}\n`,
  );
}
