/**
 * The assistant's loop: the person's words go to the model with the app's reading tools and
 * `propose`; every model answer that proposes is judged (judge.ts) on a copy of the app, and what
 * the loader, compiler and Risk Engine found goes back to the model as the tool's result, for at
 * most `rounds` rounds. What comes out is the model's reply and, when it proposed, a Proposal that
 * is `valid` (loads, compiles, no Red tool) or `failed` with the reason and the last diagnostics:
 * a failed proposal offers no document for acceptance.
 */
import { randomUUID } from "node:crypto";
import { judge, type AppFiles, type Verdict } from "./judge";
import type { ModelClient, ModelMessage, ToolCall, ToolResult } from "./model/client";
import type { AssistantTurn, ChatMessage, Proposal } from "./proposal";
import { SYSTEM_PROMPT } from "./system-prompt";
import { isReadTool, proposedChanges, runReadTool, TOOLS } from "./tools";
import { WorkingCopy } from "./working-copy";

export interface AssistantOptions {
  model: ModelClient;
  /** Proposal rounds: the first proposal and its repairs (default 3). */
  rounds?: number;
  /** Model calls spent reading (read_app, read_spec, …) on top of the rounds (default 8). */
  readingCalls?: number;
}

export interface Assistant {
  /** One turn: `app` is the app's files in memory (relative path → text); `history` the conversation so far. */
  ask(text: string, app: AppFiles, history?: readonly ChatMessage[], options?: { signal?: AbortSignal }): Promise<AssistantTurn>;
}

export const DEFAULT_ROUNDS = 3;

export function createAssistant(options: AssistantOptions): Assistant {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive whole number, not ${rounds}`);
  const maxCalls = rounds + (options.readingCalls ?? 8);
  return {
    async ask(text, app, history = [], askOptions = {}) {
      const messages: ModelMessage[] = [...history.map(toModelMessage), { role: "user", text }];
      const copy = new WorkingCopy(app);
      let used = 0;
      let verdict: Verdict | undefined;
      let reply = "";
      for (let call = 0; call < maxCalls; call++) {
        const answer = await options.model.complete({
          system: SYSTEM_PROMPT,
          messages,
          tools: TOOLS,
          ...(askOptions.signal ? { signal: askOptions.signal } : {}),
        });
        messages.push({ role: "assistant", text: answer.text, toolCalls: answer.toolCalls });
        reply = answer.text;
        if (answer.toolCalls.length === 0) break;
        const proposes = answer.toolCalls.some((c) => c.name === "propose");
        // Past the last round the last verdict stands: nothing more is judged.
        if (proposes && used >= rounds) break;
        if (proposes) used++;
        const results = answer.toolCalls.map((c) => runCall(c, copy));
        if (proposes) {
          verdict = judge(app, copy.files);
          // The verdict answers the answer's last propose call; earlier ones in the same answer were judged with it.
          const last = results.map((r) => r.name).lastIndexOf("propose");
          results[last] = { ...results[last]!, content: `${results[last]!.content}\n${verdictText(verdict, rounds - used)}` };
        }
        messages.push({ role: "tool", results });
        if (proposes && used >= rounds && !verdict?.ok) break;
      }
      if (verdict === undefined) {
        // Out of calls while still reading: say so rather than show an empty reply.
        const exhausted = reply === "" && messages[messages.length - 1]?.role === "tool";
        return { reply: exhausted ? `The model stopped without answering (it used its ${maxCalls} calls).` : reply };
      }
      return { reply: reply || summary(verdict), proposal: proposalOf(verdict, copy, used, rounds) };
    },
  };
}

function runCall(call: ToolCall, copy: WorkingCopy): ToolResult {
  const answer = (content: string, isError = false): ToolResult => ({
    callId: call.id,
    name: call.name,
    content,
    ...(isError ? { isError } : {}),
  });
  if (call.input === null) return answer("the arguments were not a JSON object", true);
  if (isReadTool(call.name)) return answer(runReadTool(call.name, call.input, copy.files));
  if (call.name !== "propose") return answer(`no tool named ${call.name}`, true);
  const changes = proposedChanges(call.input);
  if (typeof changes === "string") return answer(changes, true);
  for (const change of changes) {
    const refused = copy.record(change);
    if (refused !== undefined) return answer(refused, true);
  }
  return answer(`recorded ${changes.length} ${changes.length === 1 ? "document" : "documents"}.`);
}

/** What the model reads after proposing: the verdict, and what to repair. */
function verdictText(verdict: Verdict, roundsLeft: number): string {
  if (verdict.ok) {
    const yellow = verdict.risk.newFindings.filter((f) => f.level === "yellow");
    return `The proposal is valid: it loads, compiles and no tool is Red.${
      yellow.length > 0
        ? `\nYellow findings (allowed; mention them):\n${yellow.map((f) => `- ${f.tool} ${f.rule}: ${f.message}`).join("\n")}`
        : ""
    }\nNow answer the person briefly.`;
  }
  const lines = [`The proposal is NOT valid: ${verdict.failure}.`];
  for (const d of verdict.diagnostics)
    lines.push(`- ${d.file}${d.line !== undefined ? `:${d.line}` : ""}: ${d.code ?? "error"} ${d.message}`);
  for (const f of verdict.redFindings)
    lines.push(`- tool ${f.tool}: ${f.rule} (red)${f.node ? ` at node ${f.node}` : ""}: ${f.message} Hint: ${f.hint}`);
  lines.push(
    roundsLeft > 0
      ? `Repair it: propose the corrected documents again (${roundsLeft} ${roundsLeft === 1 ? "round" : "rounds"} left).`
      : "No rounds left: the proposal will be shown to the person as failed.",
  );
  return lines.join("\n");
}

function proposalOf(verdict: Verdict, copy: WorkingCopy, used: number, rounds: number): Proposal {
  const id = randomUUID();
  const base = { id, rounds: used, diagnostics: verdict.diagnostics, risk: verdict.risk };
  if (verdict.ok) return { ...base, status: "valid", documents: copy.documents(id) };
  const failure =
    used >= rounds ? `not repaired in ${rounds} ${rounds === 1 ? "round" : "rounds"}: ${verdict.failure}` : `${verdict.failure}`;
  const red = verdict.redFindings.map((f) => ({
    file: f.file,
    message: `tool ${f.tool}: ${f.rule}${f.node ? ` at node ${f.node}` : ""}: ${f.message}`,
  }));
  return { ...base, status: "failed", failure, documents: [], diagnostics: [...verdict.diagnostics, ...red] };
}

function summary(verdict: Verdict): string {
  return verdict.ok ? "Here is the proposal." : `I could not make a valid proposal: ${verdict.failure}.`;
}

function toModelMessage(message: ChatMessage): ModelMessage {
  return message.role === "user" ? { role: "user", text: message.text } : { role: "assistant", text: message.text, toolCalls: [] };
}
