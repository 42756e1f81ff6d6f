/**
 * The one interface the assistant talks to a model through: a conversation and the tools it may
 * call in, one complete answer (text and tool calls) out. Each adapter (openai.ts, anthropic.ts)
 * maps it onto its provider's official SDK and consumes any stream inside, so the loop above never
 * sees a partial answer.
 */

/** A tool the model may call, described by a JSON Schema of its arguments. */
export interface ModelTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  /** The provider's id for the call, echoed back with its result. */
  id: string;
  name: string;
  /** The arguments as the model sent them, parsed; `null` when they were not a JSON object. */
  input: Record<string, unknown> | null;
}

export interface ToolResult {
  callId: string;
  name: string;
  content: string;
  isError?: boolean;
}

/** The conversation in the provider-neutral form both adapters translate. */
export type ModelMessage =
  { role: "user"; text: string } | { role: "assistant"; text: string; toolCalls: ToolCall[] } | { role: "tool"; results: ToolResult[] };

export interface ModelRequest {
  system: string;
  messages: readonly ModelMessage[];
  tools: readonly ModelTool[];
  signal?: AbortSignal;
}

export interface ModelReply {
  text: string;
  toolCalls: ToolCall[];
}

export interface ModelClient {
  /** A label for messages (`openai gpt-4.1`), never a secret. */
  readonly label: string;
  complete(request: ModelRequest): Promise<ModelReply>;
}

/** Parses a tool call's JSON arguments; a model that sends something else gets `null` (and is told so). */
export function parseToolInput(json: string): Record<string, unknown> | null {
  if (json.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
