/** The assistant's public surface: what `fascia chat` and the studio's chat panel use. */
export { createAssistant, DEFAULT_ROUNDS, type Assistant, type AssistantOptions } from "./assistant";
export { spliceDocument, documentSpans, findDocument } from "./documents";
export { applyProposedDocument } from "./accept";
export { judge, type AppFiles, type Verdict } from "./judge";
export type { ModelClient, ModelReply, ModelRequest } from "./model/client";
export { ModelError, redact } from "./model/errors";
export { describeSettings, modelSettings, type ModelFlags, type ModelSettings } from "./model/config";
export { createModelClient } from "./model/create-client";
export type * from "./proposal";
