/**
 * The model client on OpenAI's chat completions, through the official `openai` SDK. Any server that
 * speaks the same API works through `baseURL`: Ollama (`http://127.0.0.1:11434/v1`), vLLM, LM Studio.
 * Retries of 429 (honouring retry-after) and 5xx are the SDK's, bounded by `maxRetries`; a stream
 * cut before its finish reason is this adapter's to detect, and is tried once more.
 */
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { parseToolInput, type ModelClient, type ModelMessage, type ModelReply, type ModelRequest, type ToolCall } from "./client";
import { StreamCutError } from "./errors";
import { consumeStream, wholeAnswer, withOneStreamRetry } from "./stream";
import { sdkOptions, type ModelSettings } from "./config";

export function openaiClient(settings: ModelSettings): ModelClient {
  const client = new OpenAI(sdkOptions(settings));
  const once = async (request: ModelRequest): Promise<ModelReply> => {
    const body = {
      model: settings.model,
      messages: [{ role: "system" as const, content: request.system }, ...request.messages.flatMap(toOpenAI)],
      tools: request.tools.map((t): ChatCompletionTool => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.parameters },
      })),
    };
    const options = request.signal ? { signal: request.signal } : {};
    if (!settings.stream) {
      const completion = await wholeAnswer(client.chat.completions.create({ ...body, stream: false }, options));
      const message = completion.choices[0]?.message;
      const toolCalls = (message?.tool_calls ?? []).flatMap((call): ToolCall[] =>
        call.type === "function" ? [{ id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) }] : [],
      );
      return { text: message?.content ?? "", toolCalls };
    }
    const stream = await client.chat.completions.create({ ...body, stream: true }, options);
    let text = "";
    let finished = false;
    const calls: { id: string; name: string; args: string }[] = [];
    await consumeStream(stream, (chunk) => {
      const choice = chunk.choices[0];
      if (!choice) return;
      text += choice.delta.content ?? "";
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { id: "", name: "", args: "" });
        call.id ||= delta.id ?? "";
        call.name += delta.function?.name ?? "";
        call.args += delta.function?.arguments ?? "";
      }
      if (choice.finish_reason) finished = true;
    });
    // A connection closed early ends the iteration quietly: only the finish reason tells a whole answer.
    if (!finished) throw new StreamCutError();
    return { text, toolCalls: calls.filter(Boolean).map((c) => ({ id: c.id, name: c.name, input: parseToolInput(c.args) })) };
  };
  return {
    label: `openai ${settings.model}`,
    complete: (request) => withOneStreamRetry(() => once(request), "openai", settings.apiKey),
  };
}

function toOpenAI(message: ModelMessage): ChatCompletionMessageParam[] {
  switch (message.role) {
    case "user":
      return [{ role: "user", content: message.text }];
    case "assistant":
      return [
        {
          role: "assistant",
          content: message.text === "" && message.toolCalls.length > 0 ? null : message.text,
          ...(message.toolCalls.length > 0
            ? {
                tool_calls: message.toolCalls.map((c) => ({
                  id: c.id,
                  type: "function" as const,
                  function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
                })),
              }
            : {}),
        },
      ];
    case "tool":
      return message.results.map((r) => ({ role: "tool" as const, tool_call_id: r.callId, content: r.content }));
  }
}
