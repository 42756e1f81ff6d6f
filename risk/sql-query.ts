/**
 * Is a raw SQL query a plain SELECT? (R002 vs Y007.) A plain SELECT is one statement that starts
 * with SELECT or WITH and contains no keyword or function that writes, locks or has side effects.
 * Literals, quoted identifiers and comments are blanked first, so `WHERE note = 'delete me'` or a
 * column named "update" do not count; a word the check cannot tell apart is refused (fail closed).
 */

/** Words that make a statement something other than a plain read. */
const WRITING_WORDS = [
  "insert",
  "update",
  "delete",
  "merge",
  "upsert",
  "truncate",
  "drop",
  "alter",
  "create",
  "grant",
  "revoke",
  "copy",
  "call",
  "do",
  "lock",
  "vacuum",
  "analyze",
  "refresh",
  "reindex",
  "cluster",
  "comment",
  "into",
  "listen",
  "notify",
  "prepare",
  "execute",
  "set",
  "reset",
  "discard",
  "savepoint",
  "begin",
  "commit",
  "rollback",
];
/** Functions with side effects a SELECT can call. */
const SIDE_EFFECT_FUNCTIONS =
  /\b(nextval|setval|pg_advisory\w*|pg_try_advisory\w*|pg_terminate_backend|pg_cancel_backend|pg_notify|set_config|lo_\w+|dblink\w*|pg_sleep\w*|pg_reload_conf|pg_rotate_logfile|pg_file_write|pg_read_file|pg_read_binary_file|pg_ls_dir|txid_current|pg_current_xact_id)\s*\(/i;
const LOCKING_CLAUSE = /\bfor\s+(no\s+key\s+update|key\s+share|update|share)\b/i;

export type SqlVerdict = { plainSelect: true } | { plainSelect: false; because: string };

export function classifySql(query: string): SqlVerdict {
  const text = blankLiteralsAndComments(query).trim().replace(/;\s*$/, "");
  if (text.includes(";")) return { plainSelect: false, because: "it holds more than one statement" };
  const first = /^\(*\s*([a-z]+)/i.exec(text)?.[1]?.toLowerCase();
  if (first !== "select" && first !== "with")
    return { plainSelect: false, because: `it starts with ${(first ?? "nothing").toUpperCase()}, not SELECT` };
  const lock = LOCKING_CLAUSE.exec(text);
  if (lock) return { plainSelect: false, because: `it takes row locks (${lock[0].toUpperCase().replace(/\s+/g, " ")})` };
  const fn = SIDE_EFFECT_FUNCTIONS.exec(text);
  if (fn) return { plainSelect: false, because: `it calls ${fn[1]}(), which has side effects` };
  for (const word of text.toLowerCase().match(/[a-z_][a-z0-9_$]*/g) ?? []) {
    if (WRITING_WORDS.includes(word)) return { plainSelect: false, because: `it contains ${word.toUpperCase()}` };
  }
  return { plainSelect: true };
}

/** Replaces string literals, quoted identifiers, dollar-quoted bodies and comments by spaces. */
function blankLiteralsAndComments(sql: string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    let end: number;
    if (rest.startsWith("--")) end = indexOrEnd(sql, "\n", i + 2);
    else if (rest.startsWith("/*")) end = indexOrEnd(sql, "*/", i + 2) + 2;
    else if (sql[i] === "'" || sql[i] === '"') end = closingQuote(sql, i);
    else if (dollar) end = indexOrEnd(sql, dollar[0], i + dollar[0].length) + dollar[0].length;
    else {
      out += sql[i];
      i++;
      continue;
    }
    end = Math.min(end, sql.length);
    out += " ".repeat(end - i);
    i = end;
  }
  return out;
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at < 0 ? text.length : at;
}

/** Index just past the quote closing the one at `start` ('' and "" are escaped quotes). */
function closingQuote(sql: string, start: number): number {
  const quote = sql[start]!;
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
