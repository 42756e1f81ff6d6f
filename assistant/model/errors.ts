/**
 * Errors from a model, fit to show a person: the provider's status and message, never a header or
 * the key. SDK errors can carry the request's headers (and some servers echo the key back in a
 * message), so every message that leaves an adapter goes through `redact` with the key it used.
 */

export class ModelError extends Error {
  constructor(
    message: string,
    /** The HTTP status the provider answered with, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = "ModelError";
  }
}

/** The connection ended before the provider said the answer was complete (streamed or whole). */
export class StreamCutError extends ModelError {
  constructor() {
    super("the model's answer was cut off before it ended (tried twice)");
    this.name = "StreamCutError";
  }
}

/** `text` with every occurrence of `secret` (and of a bearer token built from it) replaced. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join("[redacted]");
}

/** Any error thrown by an SDK call, as a ModelError whose message holds no secret. */
export function modelErrorFrom(error: unknown, provider: string, secret: string | undefined): ModelError {
  if (error instanceof ModelError) return new (error.constructor as typeof ModelError)(redact(error.message, secret), error.status);
  const status = statusOf(error);
  // Not `instanceof Error`: fetch's errors come from Node's own realm, which a test runner's sandbox does not share.
  const message = typeof (error as Error | null)?.message === "string" ? (error as Error).message : String(error);
  const what = status !== undefined ? `${provider} answered ${status}` : `${provider} request failed`;
  return new ModelError(redact(`${what}: ${firstLine(message)}`, secret), status);
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
