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

/**
 * Whether PostgreSQL refused a prepared statement because its result columns changed type since
 * it was prepared on this connection (a migration's ALTER COLUMN … TYPE while this instance still
 * serves): SQLSTATE 0A000, and again at every later use on that connection, so the driver gives
 * the connection up (pg-driver.ts). Nothing ran; the request may be retried.
 */
export function isStalePlan(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return e?.code === "0A000" && /cached plan must not change result type/.test(String(e.message));
}
