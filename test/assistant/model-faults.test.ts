/**
 * What a model's faults do, through the real SDK clients against the scripted server, both
 * protocols, whole and streamed: 429s wait for retry-after, 500s are retried a bounded number of
 * times, a stream cut mid-answer is tried once more and then reported, and no error a person sees
 * holds the key, even when the server echoes it.
 */
import { createAssistant } from "../../assistant/assistant";
import { ModelError } from "../../assistant/model/errors";
import { startModelServer, type ModelServer } from "../support/model-server";
import { clientFor, exampleApp, PROTOCOLS, SECRET_KEY } from "./fixtures";

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());
beforeEach(() => server.requests.splice(0));

const app = exampleApp();

async function failure(promise: Promise<unknown>): Promise<ModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelError);
  return error as ModelError;
}

describe.each(PROTOCOLS)("$protocol (stream: $stream)", ({ protocol, stream }) => {
  test("429 with retry-after: the SDK waits as told, then the answer arrives", async () => {
    server.setScript([{ fault: "rate-limit", retryAfterSeconds: 1 }, { reply: { text: "hello" } }]);
    const started = Date.now();
    const turn = await createAssistant({ model: clientFor(server, protocol, stream) }).ask("hi", app);
    expect(turn).toEqual({ reply: "hello" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(server.requests).toHaveLength(2);
  });

  test("500s: retried, then the answer; retried a bounded number of times, then a ModelError", async () => {
    server.setScript([{ fault: "server-error" }, { reply: { text: "after a 500" } }]);
    expect((await createAssistant({ model: clientFor(server, protocol, stream, 1) }).ask("hi", app)).reply).toBe("after a 500");
    server.requests.splice(0);
    server.setScript([{ fault: "server-error" }, { fault: "server-error" }, { fault: "server-error" }]);
    const error = await failure(createAssistant({ model: clientFor(server, protocol, stream, 1) }).ask("hi", app));
    expect(server.requests).toHaveLength(2); // the first try and one retry (maxRetries: 1)
    expect(error.status).toBe(500);
    expect(error.message).toMatch(new RegExp(`^${protocol} answered 500`));
    expect(server.remaining()).toBe(1);
  });

  test("an answer cut mid-answer is tried once more, then reported as an error", async () => {
    server.setScript([{ fault: "cut" }, { reply: { text: "whole this time" } }]);
    expect((await createAssistant({ model: clientFor(server, protocol, stream, 0) }).ask("hi", app)).reply).toBe("whole this time");
    server.requests.splice(0);
    server.setScript([{ fault: "cut" }, { fault: "cut" }, { reply: { text: "unused" } }]);
    const error = await failure(createAssistant({ model: clientFor(server, protocol, stream, 0) }).ask("hi", app));
    expect(server.requests).toHaveLength(2);
    expect(error.message).toMatch(/cut off before it ended/);
  });

  test("a server that echoes the key in its error: the message a person sees holds no key", async () => {
    server.setScript([
      (request) => ({
        fault: "server-error",
        status: 401,
        message: `invalid credentials: ${String(request.headers.authorization ?? request.headers["x-api-key"])}`,
      }),
    ]);
    const error = await failure(createAssistant({ model: clientFor(server, protocol, stream) }).ask("hi", app));
    expect(error.status).toBe(401);
    expect(error.message).toContain("invalid credentials");
    expect(error.message).toContain("[redacted]");
    expect(`${error.message}\n${error.stack ?? ""}\n${JSON.stringify(error)}`.includes(SECRET_KEY)).toBe(false);
  });
});
