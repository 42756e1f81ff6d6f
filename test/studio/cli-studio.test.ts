/** `fascia studio`: prints the URL, serves the app until SIGINT, then exits 0; usage errors exit 2. */
import { join } from "node:path";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import type { AppSummary } from "../../studio/protocol";

const EXAMPLE = join(__dirname, "../../examples/reservations");

function capture(): CliIO & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(t), isTTY: false };
}

describe("fascia studio", () => {
  it("serves the app on the port it prints and stops on SIGINT", async () => {
    const io = capture();
    const running = runCli(["studio", EXAMPLE, "--port", "0"], io);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      await new Promise((r) => setTimeout(r, 25));
      url = io.lines.join("\n").match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
    }
    expect(url).toBeDefined();
    const summary = (await (await fetch(`${url}/api/app`)).json()) as AppSummary;
    expect(summary.tools).toHaveLength(8);
    expect(summary.diff).toBe(false);
    process.emit("SIGINT");
    expect(await running).toBe(0);
  });

  it("refuses a folder that does not exist and a bad port with exit 2", async () => {
    const io = capture();
    expect(await runCli(["studio", join(EXAMPLE, "nope")], io)).toBe(2);
    expect(await runCli(["studio", EXAMPLE, "--port", "http"], io)).toBe(2);
    expect(await runCli(["studio", EXAMPLE, "--executor", "ftp://somewhere"], io)).toBe(2);
    expect(io.lines.join("\n")).toMatch(/--port http is not a port number/);
    expect(io.lines.join("\n")).toMatch(/--executor ftp:\/\/somewhere is not an http\(s\) URL/);
  });
});
