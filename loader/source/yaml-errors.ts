/**
 * The yaml library's syntax errors, placed where the author has to look: an unclosed string or
 * flow collection is reported where it was opened, not where the parser gave up on it.
 */
import type { YAMLError } from "yaml";

export interface PlacedError {
  offset: number;
  message: string;
}

export function placeYamlErrors(errors: readonly YAMLError[], text: string): PlacedError[] {
  // A duplicate key next to another syntax error is the parser's recovery talking, not the author.
  const cascade = errors.some((e) => e.code !== "DUPLICATE_KEY");
  return errors.filter((e) => !(cascade && e.code === "DUPLICATE_KEY")).map((e) => placeYamlError(e, text));
}

function placeYamlError(error: YAMLError, text: string): PlacedError {
  const offset = error.pos[0];
  const message = error.message.split("\n")[0] ?? error.message;
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (error.code === "MISSING_CHAR" && quote) {
    const opened = openingQuote(text, offset, quote);
    if (opened !== undefined) return { offset: opened, message: `string is never closed: missing closing ${quote}` };
  }
  if (error.code === "DUPLICATE_KEY") {
    const key = /^["']?([^"':\n]+)/.exec(text.slice(offset))?.[1]?.trim();
    if (key) return { offset, message: `key "${key}" appears twice in one mapping` };
  }
  const bracket = /^Flow (map|sequence)/.exec(message)?.[1];
  if (bracket) {
    const opened = openingBracket(text, offset, bracket === "map" ? "{" : "[");
    if (opened !== undefined) return { offset: opened, message: `${bracket === "map" ? "{" : "["} is never closed: ${message}` };
  }
  return { offset, message };
}

/** The quote that opens the unclosed string ending at `end`: the last one not escaped or doubled. */
function openingQuote(text: string, end: number, quote: string): number | undefined {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"' && text[i - 1] === "\\") continue;
    if (quote === "'" && text[i - 1] === "'") {
      i--;
      continue;
    }
    return i;
  }
  return undefined;
}

/** The unmatched `{` or `[` before `end` (brackets inside strings are assumed balanced). */
function openingBracket(text: string, end: number, open: "{" | "["): number | undefined {
  const close = open === "{" ? "}" : "]";
  let depth = 0;
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}
