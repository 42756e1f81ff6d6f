import { existsSync } from "node:fs";
import type { Command } from "commander";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import { modelSettings, type ModelFlags } from "../../assistant";
import { studioAssistant, type StudioAssistant } from "../../studio/chat/assistant";
import { DEFAULT_EXECUTOR } from "../../studio/console-proxy";
import { startStudio, type Studio } from "../../studio/server";
import type { CliIO } from "../io";

export function registerStudio(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  program
    .command("studio")
    .description(
      "Open Flow Studio: the app's flows and entities in the browser, edited as YAML, re-checked and re-judged live (127.0.0.1 only)",
    )
    .argument("[dir]", "the app's spec directory", ".")
    .option("--port <port>", "port to listen on (127.0.0.1); 0 picks a free one", "4321")
    .option("--from <previous-dir>", "an earlier version of the app: the diff view compares against it")
    .option("--executor <url>", "the executor the Console reads (its operator API)", DEFAULT_EXECUTOR)
    .option(
      "--token <token>",
      "a bearer token with the executor's operator role (default: minted from the app's local keys, for `fascia dev`)",
    )
    .option("--provider <provider>", "the chat's model provider: openai (also local servers) or anthropic (default FASCIA_MODEL_PROVIDER)")
    .option("--model <model>", "the chat's model (default FASCIA_MODEL)")
    .option(
      "--base-url <url>",
      "the chat's model endpoint, e.g. a local server's (default FASCIA_MODEL_BASE_URL); the key comes from the environment only",
    )
    .action(async (dir: string, options: { port: string; from?: string; executor: string; token?: string } & ModelFlags) => {
      const port = Number(options.port);
      for (const path of [dir, options.from].filter((p): p is string => p !== undefined)) {
        if (!existsSync(path)) {
          io.err(`fascia studio: ${path} does not exist`);
          return setExit(EXIT.usage);
        }
      }
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        io.err(`fascia studio: --port ${options.port} is not a port number`);
        return setExit(EXIT.usage);
      }
      if (!isHttpUrl(options.executor)) {
        io.err(`fascia studio: --executor ${options.executor} is not an http(s) URL`);
        return setExit(EXIT.usage);
      }
      const chat = chatAssistant(options);
      if (typeof chat === "string") {
        io.err(`fascia studio: ${chat}`);
        return setExit(EXIT.usage);
      }
      let studio: Studio;
      try {
        studio = await startStudio({
          dir,
          port,
          ...(options.from !== undefined ? { from: options.from } : {}),
          console: { executor: options.executor, ...(options.token !== undefined ? { token: options.token } : {}) },
          ...(chat ? { assistant: chat } : {}),
        });
      } catch (error) {
        io.err(`fascia studio: ${(error as Error).message}`);
        return setExit(EXIT.failed);
      }
      io.out(`Flow Studio: ${studio.url}   (app: ${dir}; Ctrl-C stops it; unsaved edits are lost)`);
      io.out(
        `Console: ${studio.url}/#/console   (executor: ${options.executor}; ${options.token !== undefined ? "the token given" : "a local operator token"})`,
      );
      io.out(
        chat
          ? `Chat: ${chat.provider} ${chat.model}   (the key stays in this process)`
          : "Chat: no model configured (FASCIA_MODEL_PROVIDER, FASCIA_MODEL and a key in the environment: docs/chat.md)",
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await studio.close();
      setExit(EXIT.ok);
    });
}

/**
 * The chat's assistant from the flags and the environment. Asked for (a flag, or FASCIA_MODEL_PROVIDER
 * set), settings that do not fit are a usage error; not asked for, the studio opens without a model
 * and its chat says how to configure one.
 */
function chatAssistant(flags: ModelFlags): StudioAssistant | string | undefined {
  const asked =
    flags.provider !== undefined || flags.model !== undefined || flags.baseUrl !== undefined || !!process.env.FASCIA_MODEL_PROVIDER;
  try {
    return studioAssistant(modelSettings({ provider: flags.provider, model: flags.model, baseUrl: flags.baseUrl }));
  } catch (error) {
    return asked ? (error as Error).message : undefined;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
