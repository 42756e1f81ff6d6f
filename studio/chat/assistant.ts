/**
 * The assistant as the studio's chat uses it: one turn over the app's texts, and what the person may
 * see of the model (its provider and name, never its key). The engine behind it is assistant/'s; the
 * studio only hands it texts and shows what it answers: nothing it proposes runs.
 */
import { createAssistant, createModelClient, type ModelSettings } from "../../assistant";
import type { AssistantTurn, ChatMessage } from "../../assistant/proposal";

export interface StudioAssistant {
  provider: string;
  model: string;
  /** One turn: the person's words, the app's files (relative path → text, unsaved edits included), the conversation so far. */
  ask(text: string, files: Map<string, string>, history: readonly ChatMessage[]): Promise<AssistantTurn>;
  /** Strings no answer may carry (the API key): scrubbed from any error the model's client reports. */
  secrets: readonly string[];
}

/** The engine on the model the settings name (`fascia studio --provider --model --base-url`, or the environment). */
export function studioAssistant(settings: ModelSettings): StudioAssistant {
  const assistant = createAssistant({ model: createModelClient(settings) });
  return {
    provider: settings.provider,
    model: settings.model,
    secrets: settings.apiKey !== undefined ? [settings.apiKey] : [],
    ask: (text, files, history) => assistant.ask(text, files, history),
  };
}
