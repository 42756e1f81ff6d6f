/** One database interface, two drivers (pg for PostgreSQL, PGlite embedded). */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** How a statement is run. */
export interface QueryOptions {
  /**
   * A fixed text run again and again (the executor's own statements): a driver that can prepares
   * it once per connection and only binds it afterwards (pg: a named statement, named by a hash of
   * the text). Only for a bounded set of texts: each stays prepared as long as its connection.
   */
  readonly prepare?: boolean;
}

export interface Queryable {
  /** One statement with $n parameters. */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /** Several statements without parameters (DDL scripts). */
  exec(sql: string): Promise<void>;
  /** The PostgreSQL backend process serving this connection (a pg session); absent elsewhere. */
  readonly backendPid?: number;
}

/** A statement with its parameters: what the compilers produce and the drivers run. Values only ever travel as $n parameters. */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
  /** Prepared once per connection where the driver can (QueryOptions.prepare). */
  readonly prepare?: boolean;
}

/** Runs `statement` on `conn`, prepared where it is marked so and the driver can (QueryOptions.prepare). */
export function runStatement<R = Record<string, unknown>>(conn: Queryable, statement: Statement): Promise<QueryResult<R>> {
  return conn.query<R>(statement.text, statement.values, statement.prepare ? { prepare: true } : undefined);
}

export type DriverName = "pg" | "pglite";

export interface Database extends Queryable {
  readonly driver: DriverName;
  /** A description without credentials, for messages. */
  readonly label: string;
  /** BEGIN … COMMIT around `fn`; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** One connection held for the whole of `fn` (session-level locks and settings). */
  session<T>(fn: (session: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Fields of a PostgreSQL error both drivers report. */
export interface DatabaseErrorFields {
  code?: string;
  constraint?: string;
  column?: string;
  table?: string;
  detail?: string;
  message: string;
}

export function databaseErrorFields(error: unknown): DatabaseErrorFields {
  const e = error as Partial<DatabaseErrorFields> & { message?: string };
  return {
    message: e?.message ?? String(error),
    ...(e?.code ? { code: e.code } : {}),
    ...(e?.constraint ? { constraint: e.constraint } : {}),
    ...(e?.column ? { column: e.column } : {}),
    ...(e?.table ? { table: e.table } : {}),
    ...(e?.detail ? { detail: e.detail } : {}),
  };
}

/** Type OIDs whose text form is kept as is: dates stay YYYY-MM-DD, numerics and bigints exact. */
export const TEXT_TYPE_OIDS = { int8: 20, numeric: 1700, date: 1082 } as const;
