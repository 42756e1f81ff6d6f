/**
 * What both adapters do with a stream: read it to its end, calling it cut when the connection
 * fails part-way (the SDK retries a request only before its body starts), and try a cut answer
 * once more before giving up, with an error that holds no secret.
 */
import { modelErrorFrom, StreamCutError } from "./errors";

/** Feeds every event to `onEvent`; a failure after the stream started is a StreamCutError (an abort stays an abort). */
export async function consumeStream<T>(stream: AsyncIterable<T>, onEvent: (event: T) => void): Promise<void> {
  try {
    for await (const event of stream) onEvent(event);
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new StreamCutError();
  }
}

/** Runs `attempt`, once more when its stream was cut, and turns whatever it throws into a ModelError without the key. */
export async function withOneStreamRetry<T>(attempt: () => Promise<T>, provider: string, secret: string | undefined): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof StreamCutError && tries < 2) continue;
      throw modelErrorFrom(error, provider, secret);
    }
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "APIUserAbortError");
}
