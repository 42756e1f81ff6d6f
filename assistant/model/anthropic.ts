/**
 * The model client on Anthropic's messages API, through the official `@anthropic-ai/sdk`. Retries
 * of 429 (honouring retry-after) and 5xx are the SDK's, bounded by `maxRetries`; a stream that ends
 * before `message_stop` is cut, and is tried once more (stream.ts).
 */
import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import { parseToolInput, type ModelClient, type ModelMessage, type ModelReply, type ModelRequest, type ToolCall } from "./client";
import { StreamCutError } from "./errors";
import { consumeStream, wholeAnswer, withOneStreamRetry } from "./stream";
import { sdkOptions, type ModelSettings } from "./config";

/** The messages API requires a ceiling on the answer's length; a proposal of a few documents fits well under it. */
const MAX_TOKENS = 8192;

export function anthropicClient(settings: ModelSettings): ModelClient {
  const client = new Anthropic(sdkOptions(settings));
  const once = async (request: ModelRequest): Promise<ModelReply> => {
    const body = {
      model: settings.model,
      max_tokens: MAX_TOKENS,
      system: request.system,
      messages: toAnthropic(request.messages),
      tools: request.tools.map((t): Tool => ({
        name: t.name,
        description: t.description,
        input_schema: { type: "object", ...t.parameters },
      })),
    };
    const options = request.signal ? { signal: request.signal } : {};
    if (!settings.stream) {
      const message = await wholeAnswer(client.messages.create({ ...body, stream: false }, options));
      let text = "";
      const toolCalls: ToolCall[] = [];
      for (const block of message.content) {
        if (block.type === "text") text += block.text;
        else if (block.type === "tool_use") toolCalls.push({ id: block.id, name: block.name, input: objectOrNull(block.input) });
      }
      return { text, toolCalls };
    }
    const stream = await client.messages.create({ ...body, stream: true }, options);
    const blocks: ({ kind: "text"; text: string } | { kind: "tool"; id: string; name: string; json: string })[] = [];
    let stopped = false;
    await consumeStream(stream, (event) => {
      if (event.type === "content_block_start") {
        const block = event.content_block;
        blocks[event.index] =
          block.type === "tool_use" ? { kind: "tool", id: block.id, name: block.name, json: "" } : { kind: "text", text: "" };
      } else if (event.type === "content_block_delta") {
        const block = blocks[event.index];
        if (event.delta.type === "text_delta" && block?.kind === "text") block.text += event.delta.text;
        else if (event.delta.type === "input_json_delta" && block?.kind === "tool") block.json += event.delta.partial_json;
      } else if (event.type === "message_stop") stopped = true;
    });
    if (!stopped) throw new StreamCutError();
    const present = blocks.filter(Boolean);
    return {
      text: present.map((b) => (b.kind === "text" ? b.text : "")).join(""),
      toolCalls: present.flatMap((b) => (b.kind === "tool" ? [{ id: b.id, name: b.name, input: parseToolInput(b.json) }] : [])),
    };
  };
  return {
    label: `anthropic ${settings.model}`,
    complete: (request) => withOneStreamRetry(() => once(request), "anthropic", settings.apiKey),
  };
}

function objectOrNull(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Tool results travel in a user message of `tool_result` blocks, answering the assistant's `tool_use` blocks by id. */
function toAnthropic(messages: readonly ModelMessage[]): MessageParam[] {
  return messages.map((message): MessageParam => {
    switch (message.role) {
      case "user":
        return { role: "user", content: message.text };
      case "assistant":
        return {
          role: "assistant",
          content: [
            ...(message.text !== "" ? [{ type: "text" as const, text: message.text }] : []),
            ...message.toolCalls.map((c) => ({ type: "tool_use" as const, id: c.id, name: c.name, input: c.input ?? {} })),
          ],
        };
      case "tool":
        return {
          role: "user",
          content: message.results.map((r) => ({
            type: "tool_result" as const,
            tool_use_id: r.callId,
            content: r.content,
            ...(r.isError ? { is_error: true } : {}),
          })),
        };
    }
  });
}
