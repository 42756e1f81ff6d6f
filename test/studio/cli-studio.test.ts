/** `fascia studio`: prints the URL, serves the app until SIGINT, then exits 0; usage errors exit 2. */
import { join } from "node:path";
import { runCli } from "../../cli/main";
import type { CliIO } from "../../cli/io";
import type { AppSummary, ChatView } from "../../studio/protocol";

const EXAMPLE = join(__dirname, "../../examples/reservations");

function capture(): CliIO & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(t), isTTY: false };
}

describe("fascia studio", () => {
  it("serves the app on the port it prints and stops on SIGINT", async () => {
    const io = capture();
    const running = runCli(["studio", EXAMPLE, "--port", "0"], io);
    const url = await printedUrl(io);
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
    expect(await runCli(["studio", EXAMPLE, "--provider", "bogus"], io)).toBe(2);
    expect(io.lines.join("\n")).toMatch(/unknown model provider "bogus"/);
  });

  it("gives the chat the model its flags name, and shows its provider and name, not a key", async () => {
    const io = capture();
    const flags = ["--provider", "openai", "--model", "local-model", "--base-url", "http://127.0.0.1:9/v1"];
    const running = runCli(["studio", EXAMPLE, "--port", "0", ...flags], io);
    const url = await printedUrl(io);
    const chat = (await (await fetch(`${url}/api/chat`)).json()) as ChatView;
    expect(chat).toEqual({ configured: true, provider: "openai", model: "local-model", thinking: false, messages: [], proposals: [] });
    expect(io.lines.join("\n")).toContain("Chat: openai local-model");
    process.emit("SIGINT");
    expect(await running).toBe(0);
  });
});

async function printedUrl(io: { lines: string[] }): Promise<string> {
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    await new Promise((r) => setTimeout(r, 25));
    url = io.lines.join("\n").match(/http:\/\/127\.0\.0\.1:\d+/)?.[0];
  }
  expect(url).toBeDefined();
  return url!;
}
