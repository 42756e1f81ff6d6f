/**
 * `fascia chat [dir]`: the assistant in the terminal. Each turn shows the reply and, for a valid
 * proposal, each document's diff and the risk change; the person accepts or rejects each document
 * (y/n), and accepted documents are spliced into their files, the rest of each file kept byte for
 * byte. `--message` runs one turn for scripts: `--yes` accepts every document, `--dry-run` none.
 * The key comes from the environment only and is never printed (docs/chat.md).
 */
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { createAssistant, type Assistant } from "../../assistant/assistant";
import { applyProposedDocument } from "../../assistant/accept";
import { describeSettings, modelSettings, type ModelSettings } from "../../assistant/model/config";
import { createModelClient } from "../../assistant/model/create-client";
import { ModelError, redact } from "../../assistant/model/errors";
import type { ChatMessage, ProposedDocument } from "../../assistant/proposal";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import { AppDocuments } from "../../studio/documents";
import type { CliIO } from "../io";
import { documentHeading, turnText } from "./chat-view";

interface ChatOptions {
  message?: string;
  yes?: boolean;
  dryRun?: boolean;
  provider?: string;
  model?: string;
  baseUrl?: string;
  rounds: string;
  stream: boolean;
}

/** Where the person's answers come from: a terminal, piped input, or a test's script. null ends the input. */
export interface ChatInput {
  line(prompt: string): Promise<string | null>;
  close(): void;
}

export function registerChat(program: Command, io: CliIO, setExit: (code: ExitCode) => void, input: () => ChatInput = terminalInput): void {
  program
    .command("chat")
    .description(
      "Describe a change in words: a model proposes Entity, Tool and Policy documents, each judged by the loader, compiler and Risk Engine (repaired in bounded rounds) before you accept or reject it",
    )
    .argument("[dir]", "the app's spec directory", ".")
    .option("--message <text>", "one turn, not interactive: ask this, print the proposal, exit")
    .option("--yes", "with --message: accept every document of a valid proposal")
    .option("--dry-run", "with --message: show the proposal, write nothing")
    .option("--provider <name>", "openai or anthropic (default: FASCIA_MODEL_PROVIDER, else openai)")
    .option("--model <name>", "the model's name (default: FASCIA_MODEL)")
    .option(
      "--base-url <url>",
      "an OpenAI- or Anthropic-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama (default: FASCIA_MODEL_BASE_URL)",
    )
    .option("--rounds <n>", "proposal rounds: the first proposal and its repairs", "3")
    .option("--no-stream", "ask for each answer whole instead of streamed")
    .addHelpText("after", "\nThe key is read from OPENAI_API_KEY or ANTHROPIC_API_KEY (or FASCIA_MODEL_API_KEY), never from a flag.")
    .action(async (dir: string, options: ChatOptions) => setExit(await chat(dir, options, io, input)));
}

async function chat(dir: string, options: ChatOptions, io: CliIO, input: () => ChatInput): Promise<ExitCode> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    io.err(`fascia chat: ${dir} is not a directory`);
    return EXIT.usage;
  }
  if (options.yes && options.dryRun) {
    io.err("fascia chat: choose one of --yes and --dry-run");
    return EXIT.usage;
  }
  if ((options.yes || options.dryRun) && options.message === undefined) {
    io.err("fascia chat: --yes and --dry-run go with --message");
    return EXIT.usage;
  }
  const rounds = Number(options.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) {
    io.err(`fascia chat: --rounds ${options.rounds} is not a whole number from 1 to 10`);
    return EXIT.usage;
  }
  let settings: ModelSettings;
  try {
    settings = modelSettings({
      ...(options.provider !== undefined ? { provider: options.provider } : {}),
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      stream: options.stream,
    });
  } catch (error) {
    io.err(`fascia chat: ${(error as Error).message}`);
    return EXIT.usage;
  }
  const assistant = createAssistant({ model: createModelClient(settings), rounds });
  const session = new ChatSession(dir, assistant, settings, io);
  if (options.message !== undefined) return session.turn(options.message, options.yes ? "all" : "none");
  const answers = input();
  try {
    io.out(`fascia chat: ${describeSettings(settings)}; app ${dir}. Describe a change; an empty line or Ctrl-D ends.`);
    let last: ExitCode = EXIT.ok;
    for (;;) {
      const text = await answers.line("you> ");
      if (text === null || text.trim() === "") return last;
      last = await session.turn(text, (doc) => answers.line(`Accept ${doc.action} ${doc.kind} ${doc.name}? [y/n] `));
    }
  } finally {
    answers.close();
  }
}

type Decide = "all" | "none" | ((doc: ProposedDocument) => Promise<string | null>);

class ChatSession {
  private readonly history: ChatMessage[] = [];

  constructor(
    private readonly dir: string,
    private readonly assistant: Assistant,
    private readonly settings: ModelSettings,
    private readonly io: CliIO,
  ) {}

  /** One question: the reply, the proposal, the decisions; exit 1 when the model failed or the proposal did. */
  async turn(text: string, decide: Decide): Promise<ExitCode> {
    const app = AppDocuments.read(this.dir);
    let turn;
    try {
      turn = await this.assistant.ask(text, new Map(app.sources().map((s) => [s.file, s.text])), this.history);
    } catch (error) {
      // ModelErrors are redacted where they are made; anything else is redacted here.
      const message = error instanceof ModelError ? error.message : redact((error as Error).message, this.settings.apiKey);
      this.io.err(`fascia chat: ${message}`);
      return EXIT.failed;
    }
    this.history.push(
      { role: "user", text },
      { role: "assistant", text: turn.reply, ...(turn.proposal ? { proposalId: turn.proposal.id } : {}) },
    );
    this.io.out(turnText(turn));
    const proposal = turn.proposal;
    if (!proposal) return EXIT.ok;
    if (proposal.status === "failed") return EXIT.failed;
    for (const doc of proposal.documents) {
      const answer = decide === "all" ? "y" : decide === "none" ? "n" : await decide(doc);
      doc.state = answer !== null && /^y(es)?$/i.test(answer.trim()) ? "accepted" : "rejected";
      if (doc.state === "rejected") {
        this.io.out(`rejected: ${documentHeading(doc)}`);
        continue;
      }
      try {
        this.write(doc);
        this.io.out(`written: ${documentHeading(doc)}`);
      } catch (error) {
        doc.state = "rejected";
        this.io.err(`fascia chat: ${(error as Error).message}`);
        return EXIT.failed;
      }
    }
    return EXIT.ok;
  }

  /** Splices the accepted document into its file as the file is now (it may have changed since the turn began). */
  private write(doc: ProposedDocument): void {
    const root = resolve(this.dir);
    const path = resolve(root, ...doc.file.split("/"));
    if (!path.startsWith(root + sep)) throw new Error(`${doc.file} is outside ${this.dir}`);
    const now = existsSync(path) ? readFileSync(path, "utf8") : null;
    const next = applyProposedDocument(now, doc);
    if (next === null) {
      if (now !== null) unlinkSync(path);
      return;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, next);
  }
}

/** Lines from stdin: a terminal with prompts, or piped input (one answer a line). */
function terminalInput(): ChatInput {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: Boolean(process.stdin.isTTY) });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async line(prompt) {
      process.stdout.write(prompt);
      const next = await lines.next();
      return next.done ? null : next.value;
    },
    close: () => rl.close(),
  };
}
