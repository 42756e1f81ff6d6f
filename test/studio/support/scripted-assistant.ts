/**
 * A stand-in for the assistant engine in the chat routes' tests: each turn answers the next scripted
 * function of the files it was given, so a test decides exactly what is proposed (and when the turn ends).
 */
import type { AssistantTurn, ChatMessage, Proposal, ProposedDocument } from "../../../assistant/proposal";
import { findDocument } from "../../../assistant";
import type { StudioAssistant } from "../../../studio/chat/assistant";

export type ScriptedTurn = (files: Map<string, string>, history: readonly ChatMessage[]) => AssistantTurn | Promise<AssistantTurn>;

export function scriptedAssistant(turns: ScriptedTurn[], key = "sk-test-0123456789abcdef"): StudioAssistant & { asked: string[] } {
  const asked: string[] = [];
  return {
    provider: "openai",
    model: "scripted-model",
    secrets: [key],
    asked,
    async ask(text, files, history) {
      asked.push(text);
      const next = turns.shift();
      if (!next) throw new Error("the script has no more turns");
      return next(files, history);
    },
  };
}

/** A proposed document whose `before` is what the given files hold at that place (null for a new file). */
export function proposedDocument(
  files: Map<string, string>,
  document: Pick<ProposedDocument, "id" | "file" | "docIndex" | "kind" | "name" | "after">,
): ProposedDocument {
  const text = files.get(document.file);
  const before = text === undefined ? null : (findDocument(text, document.kind, document.name)?.text ?? null);
  const action = document.after === null ? "delete" : before === null ? "create" : "update";
  return {
    ...document,
    before,
    action,
    diff: unifiedDiff(document.file, before ?? "", document.after ?? ""),
    state: "pending",
  };
}

export function proposal(id: string, documents: ProposedDocument[], overrides: Partial<Proposal> = {}): Proposal {
  return { id, status: "valid", rounds: 1, documents, diagnostics: [], risk: { tools: [], newFindings: [], migration: [] }, ...overrides };
}

/** One hunk: the lines both texts start and end with as context, the rest removed and added (enough for a stand-in). */
function unifiedDiff(file: string, before: string, after: string): string {
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after === "" ? [] : after.replace(/\n$/, "").split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const lines = [
    ...a.slice(0, head).map((l) => ` ${l}`),
    ...a.slice(head, a.length - tail).map((l) => `-${l}`),
    ...b.slice(head, b.length - tail).map((l) => `+${l}`),
    ...a.slice(a.length - tail).map((l) => ` ${l}`),
  ];
  return [`--- a/${file}`, `+++ b/${file}`, `@@ -1,${a.length} +1,${b.length} @@`, ...lines].join("\n") + "\n";
}
