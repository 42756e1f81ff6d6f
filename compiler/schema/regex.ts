/**
 * Spec patterns and `matches()` follow JavaScript regular expressions (what the executor runs);
 * PostgreSQL runs its own ARE dialect. This rewrites the constructs whose meaning differs
 * (`.`, `\d`, `\w`, `\s`, `\b`) into forms that mean the same in both, and refuses the constructs
 * that have no common meaning, so a CHECK never accepts what the executor would refuse.
 */
export type RegexTranslation = { ok: true; are: string } | { ok: false; reason: string };

// JavaScript's `.` stops at line terminators; ARE's does not.
const DOT = "[^\\n\\r\\u2028\\u2029]";
const SPACE_CHARS = "\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const CLASS_BODY: Record<string, string> = { d: "0-9", w: "A-Za-z0-9_", s: SPACE_CHARS };
const PLAIN_ESCAPES = new Set(["n", "r", "t", "f", "v"]);

export function translateRegex(source: string): RegexTranslation {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) return { ok: false, reason: "the pattern ends with a lone backslash" };
      i++;
      const lower = next.toLowerCase();
      if (lower in CLASS_BODY) {
        const body = CLASS_BODY[lower]!;
        if (next === lower) out += inClass ? body : `[${body}]`;
        else if (inClass) return { ok: false, reason: `\\${next} inside brackets has no portable form` };
        else out += `[^${body}]`;
      } else if (next === "b" || next === "B") {
        if (inClass) return { ok: false, reason: "\\b inside brackets means backspace in JavaScript only" };
        out += next === "b" ? "\\y" : "\\Y";
      } else if (PLAIN_ESCAPES.has(next)) {
        out += `\\${next}`;
      } else if (next === "x" && /^[0-9a-fA-F]{2}$/.test(source.slice(i + 1, i + 3))) {
        out += `\\x${source.slice(i + 1, i + 3)}`;
        i += 2;
      } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 1, i + 5))) {
        out += `\\u${source.slice(i + 1, i + 5)}`;
        i += 4;
      } else if (/[1-9]/.test(next) && !inClass) {
        out += `\\${next}`;
      } else if (/[A-Za-z0-9]/.test(next)) {
        return { ok: false, reason: `the escape \\${next} has no portable meaning` };
      } else {
        out += `\\${next}`;
      }
      continue;
    }
    if (inClass) {
      if (c === "[" && source[i + 1] === ":") return { ok: false, reason: "POSIX classes [:name:] are not JavaScript syntax" };
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      const rest = source.slice(i + 1);
      if (rest.startsWith("]") || rest.startsWith("^]")) return { ok: false, reason: "an empty bracket expression means different things" };
      inClass = true;
      out += c;
      continue;
    }
    if (c === "(" && source[i + 1] === "?") {
      const kind = source.slice(i + 2, i + 4);
      if (!(kind.startsWith(":") || kind.startsWith("=") || kind.startsWith("!") || kind === "<=" || kind === "<!")) {
        return { ok: false, reason: "only (?:, (?=, (?!, (?<= and (?<! groups are portable" };
      }
    }
    if (c === "{" && !/^\{[0-9]+(,[0-9]*)?\}/.test(source.slice(i))) {
      out += "\\{";
      continue;
    }
    out += c === "." ? DOT : c;
  }
  if (inClass) return { ok: false, reason: "an unterminated bracket expression" };
  try {
    new RegExp(source);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return { ok: true, are: out };
}
