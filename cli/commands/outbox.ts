/**
 * `fascia outbox list|retry --db <url>`: what the outbox holds (effects that run after their
 * commit), and an operator's retry of entries that failed for good. Delivering stays the
 * executor's job: `retry` only makes entries due again, and any running instance delivers them.
 */
import type { Command } from "commander";
import { openDatabase } from "../../database/open";
import type { Database } from "../../database/types";
import { listOutbox, retryFailed, type OutboxRow } from "../../executor/outbox/outbox-store";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";

const STATES = ["pending", "done", "failed"] as const;

export function registerOutbox(program: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const outbox = program.command("outbox").description("See and retry the effects that run after their commit (refunds, mail, http calls)");
  const withDb = async (command: string, url: string, fn: (db: Database) => Promise<ExitCode>) => {
    let db: Database;
    try {
      db = await openDatabase(url);
    } catch (error) {
      io.err(`fascia outbox ${command}: ${(error as Error).message}`);
      return setExit(EXIT.usage);
    }
    try {
      setExit(await fn(db));
    } catch (error) {
      io.err(`fascia outbox ${command}: ${(error as Error).message}`);
      setExit(EXIT.failed);
    } finally {
      await db.close();
    }
  };
  outbox
    .command("list")
    .description("List outbox entries, newest first; exit 1 when any failed for good")
    .requiredOption("--db <url>", "postgres://user@host:port/db, pglite:<directory>")
    .option("--state <state>", `only entries in this state: ${STATES.join(", ")}`)
    .option("--limit <n>", "at most this many entries", "50")
    .option("--json", "one JSON document instead of text")
    .action(async (options: { db: string; state?: string; limit: string; json?: boolean }) => {
      if (options.state !== undefined && !STATES.includes(options.state as never)) {
        io.err(`fascia outbox list: --state must be one of ${STATES.join(", ")}, not "${options.state}"`);
        return setExit(EXIT.usage);
      }
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        io.err(`fascia outbox list: --limit must be a whole number ≥ 1, not "${options.limit}"`);
        return setExit(EXIT.usage);
      }
      await withDb("list", options.db, async (db) => {
        const rows = await listOutbox(db, options.state as OutboxRow["state"] | undefined, limit);
        if (options.json) io.out(JSON.stringify({ entries: rows }, null, 2));
        else if (rows.length === 0) io.out(`${db.label}: the outbox is empty${options.state ? ` (state ${options.state})` : ""}.`);
        else for (const row of rows) io.out(describe(row));
        return rows.some((r) => r.state === "failed") ? EXIT.failed : EXIT.ok;
      });
    });
  outbox
    .command("retry")
    .description("Make failed entries due again (their attempts counted afresh); a running executor delivers them")
    .requiredOption("--db <url>", "postgres://user@host:port/db, pglite:<directory>")
    .argument("[ids...]", "entry ids (from `fascia outbox list`)")
    .option("--all-failed", "every failed entry")
    .action(async (ids: string[], options: { db: string; allFailed?: boolean }) => {
      if ((ids.length === 0) === !options.allFailed) {
        io.err("fascia outbox retry: give entry ids or --all-failed (not both)");
        return setExit(EXIT.usage);
      }
      await withDb("retry", options.db, async (db) => {
        const count = await retryFailed(db, options.allFailed ? "all" : ids);
        io.out(`${count} failed entr${count === 1 ? "y is" : "ies are"} due again.`);
        return count === 0 && ids.length > 0 ? EXIT.failed : EXIT.ok;
      });
    });
}

function describe(row: OutboxRow): string {
  const when = row.state === "pending" ? `, next attempt ${row.nextAttemptAt}` : "";
  const error = row.lastError ? `: ${row.lastError}` : "";
  return `${row.id}  ${row.state.padEnd(7)}  ${row.tool}.${row.node} (${row.kind}), ${row.attempts} attempt(s)${when}${error}`;
}
