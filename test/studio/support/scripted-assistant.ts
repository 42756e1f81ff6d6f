/**
 * A stand-in for the assistant engine in the chat routes' tests: each turn answers the next scripted
 * function of the files it was given, so a test decides exactly what is proposed (and when the turn ends).
 */
import type { AssistantTurn, ChatMessage, Proposal, ProposedDocument } from "../../../assistant/proposal";
import { documentText } from "../../../studio/chat/document-text";
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
  const before = documentText(files.get(document.file) ?? null, document.docIndex);
  const action = document.after === null ? "delete" : before === null ? "create" : "update";
  return {
    ...document,
    before,
    action,
    diff: `--- a/${document.file}\n+++ b/${document.file}\n+${document.after ?? ""}`,
    state: "pending",
  };
}

export function proposal(id: string, documents: ProposedDocument[], overrides: Partial<Proposal> = {}): Proposal {
  return { id, status: "valid", rounds: 1, documents, diagnostics: [], risk: { tools: [], newFindings: [], migration: [] }, ...overrides };
}
