/**
 * Whether an error means the connection itself failed — cut, killed, the server shutting down —
 * rather than PostgreSQL refusing a statement. Whatever was in flight then has an unknown outcome.
 */
const LOST_MESSAGE = /Connection terminated|connection is closed|Client has encountered a connection error|ECONNRESET|ECONNREFUSED|EPIPE/i;
const SQLSTATE = /^[0-9A-Z]{5}$/;

export function isConnectionFailure(error: unknown): boolean {
  if (LOST_MESSAGE.test((error as Error | undefined)?.message ?? "")) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || !SQLSTATE.test(code)) return false;
  // Class 08: connection exception; 57P01–57P03: the server ended the session (terminated, shutting down).
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03";
}
