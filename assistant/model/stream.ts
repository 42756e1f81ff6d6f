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

/**
 * An answer asked for whole: a connection dropped while its body arrives surfaces from fetch as a
 * bare TypeError ("terminated"), or as a SyntaxError from the cut JSON, not as the SDK's errors:
 * that is the same cut as a stream's.
 */
export async function wholeAnswer<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    // By name: fetch's errors come from Node's own realm, where `instanceof` against this realm's classes can fail.
    const name = typeof error === "object" && error !== null ? (error as Error).name : "";
    if (name === "TypeError" || name === "SyntaxError") throw new StreamCutError();
    throw error;
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
  const name = typeof error === "object" && error !== null ? (error as Error).name : "";
  return name === "AbortError" || name === "APIUserAbortError";
}
