/**
 * A scripted model on loopback that speaks both protocols the assistant's adapters use, as the
 * official SDKs expect them on the wire: OpenAI's chat completions (POST /v1/chat/completions,
 * whole or as SSE `data:` chunks ending in `data: [DONE]`) and Anthropic's messages (POST
 * /v1/messages, whole or as the SSE events message_start, content_block_start/delta/stop,
 * message_delta, message_stop). Each request takes the script's next step: a reply (text and/or
 * tool calls) or a fault (429 with retry-after, 500, an answer cut mid-stream). Every request is
 * recorded with its headers and body, so tests can check what the assistant sent back to the model
 * and where the key travelled.
 *
 *   const server = await startModelServer([{ reply: { toolCalls: [{ name: "read_app", input: {} }] } }, { reply: { text: "done" } }]);
 *   openai:    new OpenAI({ baseURL: `${server.url}/v1`, apiKey })   anthropic: new Anthropic({ baseURL: server.url, apiKey })
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { text as readText } from "node:stream/consumers";

export interface ScriptedToolCall {
  name: string;
  input: unknown;
  /** Defaults to `call_<n>` (OpenAI) or `toolu_<n>` (Anthropic). */
  id?: string;
}

export type ScriptStep =
  | { reply: { text?: string; toolCalls?: ScriptedToolCall[] } }
  | { fault: "rate-limit"; retryAfterSeconds: number }
  /** A 500 (the SDKs retry it), or another status with a message of the test's making (a server echoing a header, say). */
  | { fault: "server-error"; status?: number; message?: string }
  /** The answer starts (status 200, part of the body) and the connection is dropped. */
  | { fault: "cut" };

/** A step, or a function of the request that makes one (to answer from what was sent). */
export type Script = readonly (ScriptStep | ((request: RecordedRequest) => ScriptStep))[];

export interface RecordedRequest {
  protocol: "openai" | "anthropic";
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** The raw body text, for searching (a key must never be in it). */
  raw: string;
}

export interface ModelServer {
  /** `http://127.0.0.1:<port>`: OpenAI's base URL is `${url}/v1`, Anthropic's is `url`. */
  url: string;
  requests: RecordedRequest[];
  /** Replaces the script (and starts it from its first step). */
  setScript(script: Script): void;
  /** Steps not used yet. */
  remaining(): number;
  close(): Promise<void>;
}

export async function startModelServer(script: Script = []): Promise<ModelServer> {
  let steps = [...script];
  const requests: RecordedRequest[] = [];
  let ids = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "server_error", message: error.message } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readText(req);
    const path = (req.url ?? "").split("?")[0]!;
    const protocol = path.endsWith("/chat/completions") ? "openai" : path.endsWith("/messages") ? "anthropic" : undefined;
    if (req.method !== "POST" || protocol === undefined) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const request: RecordedRequest = { protocol, path, headers: { ...req.headers }, body, raw };
    requests.push(request);
    const next = steps.shift();
    if (next === undefined) {
      // 400, not 500: an SDK retries a 500, which would only hide a script that ran out.
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify(errorBody(protocol, "invalid_request_error", "the model server's script has no more steps")));
      return;
    }
    const step = typeof next === "function" ? next(request) : next;
    const stream = body.stream === true;
    if ("fault" in step) return fault(step, protocol, stream, res);
    const calls = (step.reply.toolCalls ?? []).map((c) => ({ ...c, id: c.id ?? `${protocol === "openai" ? "call" : "toolu"}_${++ids}` }));
    const text = step.reply.text ?? "";
    const model = typeof body.model === "string" ? body.model : "scripted";
    if (protocol === "openai") {
      if (stream)
        return sse(
          res,
          openaiChunks(model, text, calls)
            .map((c) => ({ data: JSON.stringify(c) }))
            .concat({ data: "[DONE]" }),
        );
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(openaiCompletion(model, text, calls)));
      return;
    }
    if (stream)
      return sse(
        res,
        anthropicEvents(model, text, calls).map((e) => ({ event: e.type, data: JSON.stringify(e) })),
      );
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(anthropicMessage(model, text, calls)));
  }

  function fault(
    step: Extract<ScriptStep, { fault: string }>,
    protocol: "openai" | "anthropic",
    stream: boolean,
    res: ServerResponse,
  ): void {
    if (step.fault === "rate-limit") {
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(step.retryAfterSeconds) });
      res.end(JSON.stringify(errorBody(protocol, "rate_limit_error", "rate limited")));
    } else if (step.fault === "server-error") {
      res.writeHead(step.status ?? 500, { "content-type": "application/json" });
      res.end(JSON.stringify(errorBody(protocol, "api_error", step.message ?? "internal error")));
    } else {
      // A start of an answer, then the socket is destroyed without ending the response.
      res.writeHead(200, { "content-type": stream ? "text/event-stream" : "application/json" });
      const start =
        protocol === "openai"
          ? `data: ${JSON.stringify(openaiChunks("scripted", "Here is the beg", [])[0])}\n\n`
          : `event: message_start\ndata: ${JSON.stringify(anthropicEvents("scripted", "Here is", [])[0])}\n\n`;
      res.write(stream ? start : '{"id":"cut","choices":[{"index":0,"message":{"role":"assistant","content":"Here is the beg');
      setTimeout(() => res.socket?.destroy(), 20);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setScript(next) {
      steps = [...next];
    },
    remaining: () => steps.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sse(res: ServerResponse, events: { event?: string; data: string }[]): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  for (const e of events) res.write(`${e.event !== undefined ? `event: ${e.event}\n` : ""}data: ${e.data}\n\n`);
  res.end();
}

function errorBody(protocol: "openai" | "anthropic", type: string, message: string): unknown {
  return protocol === "openai" ? { error: { message, type, param: null, code: null } } : { type: "error", error: { type, message } };
}

type Call = { id: string; name: string; input: unknown };

// ---------------------------------------------------------------- OpenAI chat completions

function openaiCompletion(model: string, text: string, calls: Call[]) {
  return {
    id: "chatcmpl-scripted",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text === "" && calls.length > 0 ? null : text,
          refusal: null,
          ...(calls.length > 0
            ? {
                tool_calls: calls.map((c) => ({
                  id: c.id,
                  type: "function",
                  function: { name: c.name, arguments: JSON.stringify(c.input) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: calls.length > 0 ? "tool_calls" : "stop",
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

/** Text in a few pieces, each tool call's arguments in two, then the finish reason: as a real stream splits them. */
function openaiChunks(model: string, text: string, calls: Call[]) {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out = [chunk({ role: "assistant", content: "" })];
  for (const piece of pieces(text)) out.push(chunk({ content: piece }));
  calls.forEach((c, index) => {
    const args = JSON.stringify(c.input);
    const half = Math.floor(args.length / 2);
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: args.slice(0, half) } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }));
  });
  out.push(chunk({}, calls.length > 0 ? "tool_calls" : "stop"));
  return out;
}

// ---------------------------------------------------------------- Anthropic messages

function anthropicMessage(model: string, text: string, calls: Call[]) {
  return {
    id: "msg_scripted",
    type: "message",
    role: "assistant",
    model,
    content: [
      ...(text !== "" ? [{ type: "text", text, citations: null }] : []),
      ...calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.input })),
    ],
    stop_reason: calls.length > 0 ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 10 },
  };
}

function anthropicEvents(model: string, text: string, calls: Call[]) {
  const events: ({ type: string } & Record<string, unknown>)[] = [
    {
      type: "message_start",
      message: { ...anthropicMessage(model, "", []), content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } },
    },
  ];
  let index = 0;
  if (text !== "") {
    events.push({ type: "content_block_start", index, content_block: { type: "text", text: "", citations: null } });
    for (const piece of pieces(text)) events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
    events.push({ type: "content_block_stop", index });
    index++;
  }
  for (const c of calls) {
    const args = JSON.stringify(c.input);
    const half = Math.floor(args.length / 2);
    events.push({ type: "content_block_start", index, content_block: { type: "tool_use", id: c.id, name: c.name, input: {} } });
    events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: args.slice(0, half) } });
    events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: args.slice(half) } });
    events.push({ type: "content_block_stop", index });
    index++;
  }
  events.push({
    type: "message_delta",
    delta: { stop_reason: calls.length > 0 ? "tool_use" : "end_turn", stop_sequence: null },
    usage: { output_tokens: 10 },
  });
  events.push({ type: "message_stop" });
  return events;
}

function pieces(text: string): string[] {
  if (text === "") return [];
  const size = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
