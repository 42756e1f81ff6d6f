/** PostgreSQL through a `pg` pool. */
import { createHash } from "node:crypto";
import { Pool, types, type PoolClient } from "pg";
import { isStalePlan } from "./connection-failure";
import { inTransaction } from "./transaction";
import { TEXT_TYPE_OIDS, type Database, type Queryable, type QueryOptions, type QueryResult } from "./types";

const keepText = (value: string) => value;
const KEEP_TEXT = new Set<number>(Object.values(TEXT_TYPE_OIDS));

/** Prepared statements' names by text (QueryOptions.prepare). */
const NAMES = new Map<string, string>();
/**
 * Distinct texts prepared by one process, at most: each stays prepared, on every connection that
 * ran it, as long as the connection lives. The executor's own statements and a plan's are a few
 * dozen; past the cap (an app of thousands of distinct statements), new texts run unnamed.
 */
export const MAX_PREPARED_TEXTS = 2000;

/**
 * The query pg runs: with a name, a prepared statement (parsed and planned once per connection,
 * then only bound and executed). Named by the text's hash, so one text is one name everywhere.
 * Exported for the benchmark's hand-written endpoint, which runs its statements as this driver does.
 */
export function queryConfig(text: string, values: readonly unknown[], options: QueryOptions | undefined) {
  if (!options?.prepare || (!NAMES.has(text) && NAMES.size >= MAX_PREPARED_TEXTS)) return { text, values: values as unknown[] };
  return { name: preparedStatementName(text), text, values: values as unknown[] };
}

/** The name a statement marked `prepare` has on every connection (after its first use only the name travels). */
export function preparedStatementName(text: string): string {
  let name = NAMES.get(text);
  if (name === undefined) NAMES.set(text, (name = `fascia_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`));
  return name;
}

/** The socket under a pg client (pg's own field; absent on a client that is not pg's, which then writes as before). */
type Corkable = { cork(): void; uncork(): void };
const socketOf = (client: PoolClient) => (client as PoolClient & { connection?: { stream?: Partial<Corkable> } }).connection?.stream;
const corked = new WeakSet<object>();

/**
 * Statements issued in one turn of the event loop leave in one write. pg corks each statement's
 * messages (Parse, Bind, Execute, Sync) into a write of its own, so the statements a transaction
 * pipelines (commitWith: the stored response, the audit append and the COMMIT) cost a system call
 * and a TCP segment each, at both ends; corking the socket until the next tick sends them as one.
 * An awaited statement waits one tick more, which is microseconds.
 */
function sendTogether(client: PoolClient): void {
  const socket = socketOf(client);
  if (!socket?.cork || !socket.uncork || corked.has(socket)) return;
  const { cork, uncork } = socket as Corkable;
  cork.call(socket);
  corked.add(socket);
  process.nextTick(() => {
    corked.delete(socket);
    uncork.call(socket);
  });
}

/** `stale`: told when a prepared statement's plan went stale (isStalePlan), so its connection is given up, not reused. */
function clientQueryable(client: PoolClient, stale: (error: Error) => void): Queryable {
  return {
    backendPid: (client as PoolClient & { processID?: number }).processID,
    async query<R>(text: string, values: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<R>> {
      sendTogether(client);
      try {
        const result = await client.query(queryConfig(text, values, options));
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        if (isStalePlan(error)) stale(error as Error);
        throw error;
      }
    },
    async exec(sql: string): Promise<void> {
      sendTogether(client);
      await client.query(sql);
    },
  };
}

/** The pool's size when the opener names none (`fascia dev --db postgres://…`, tools). */
export const DEFAULT_PG_POOL_MAX = 10;

export function openPg(url: string, options: { max?: number } = {}): Database {
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? DEFAULT_PG_POOL_MAX,
    // Statements a caller issues without awaiting the one before (commitWith) leave together;
    // awaited statements behave exactly as without it.
    pipeline: true,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        KEEP_TEXT.has(oid) ? keepText : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // An idle client's connection error must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  // A checked-out client has no error listener (the pool only watches idle ones), so a backend
  // killed between two statements (pg_terminate_backend, a failover) would emit an unhandled
  // 'error' and crash the process. Listen while it is out; the next query then reports the loss.
  const checkout = async () => {
    const client = await pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost ??= error;
    };
    client.on("error", onError);
    return {
      client,
      onError,
      release(broken?: Error) {
        client.removeListener("error", onError);
        client.release(broken ?? lost);
      },
    };
  };
  const session = async <T>(fn: (s: Queryable) => Promise<T>): Promise<T> => {
    const { client, release, onError } = await checkout();
    try {
      return await fn(clientQueryable(client, onError));
    } finally {
      release();
    }
  };
  // pool.query() destroys the connection after any error, a refused write included: a CHECK
  // violation would cost a reconnect. Return it to the pool unless the connection itself failed.
  const pooled: Queryable = {
    async query<R>(text: string, values: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<R>> {
      const { client, release } = await checkout();
      let broken: Error | undefined;
      try {
        const result = await client.query(queryConfig(text, values, options));
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        if (!(error as { code?: string }).code || isStalePlan(error)) broken = error as Error;
        throw error;
      } finally {
        release(broken);
      }
    },
    exec: async (sql) => session((s) => s.exec(sql)),
  };
  return {
    driver: "pg",
    label: redactUrl(url),
    ...pooled,
    session,
    transaction: (fn) => session((client) => inTransaction(client, fn)),
    close: () => pool.end(),
  };
}

/** A connection URL fit for messages and logs: its password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}
