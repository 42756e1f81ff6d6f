/**
 * Maps a character offset inside a string scalar's value back to its offset in the source text,
 * for every YAML scalar style: plain, single- and double-quoted (escapes, folded lines) and block
 * scalars (`|` and `>`). A CEL error inside a multi-line expression then lands on its own line.
 */
import { Scalar } from "yaml";

interface Segment {
  /** The value characters this source line contributes (escapes decoded, indentation trimmed). */
  text: string;
  /** Source offset of each character of `text`. */
  sources: number[];
}

/** Source offset of value character `offset`, or undefined when the value cannot be matched to its text. */
export function scalarSourceOffset(node: Scalar, offset: number, text: string): number | undefined {
  const range = node.range;
  if (!range) return undefined;
  const value = String(node.value);
  const segments = segmentsOf(node.type, text, range[0], range[1]);
  if (!segments) return undefined;
  let searchFrom = 0;
  let lastEnd: number | undefined;
  for (const segment of segments) {
    if (segment.text === "") continue;
    // Between two lines the value holds only folding whitespace, so the next line's text is the
    // first match at or after the previous line's end.
    const at = value.indexOf(segment.text, searchFrom);
    if (at < 0) return undefined;
    if (offset < at) return segment.sources[0];
    if (offset < at + segment.text.length) return segment.sources[offset - at];
    searchFrom = at + segment.text.length;
    lastEnd = segment.sources[segment.sources.length - 1]! + 1;
  }
  return lastEnd;
}

function segmentsOf(type: Scalar["type"], text: string, start: number, end: number): Segment[] | undefined {
  switch (type) {
    case Scalar.PLAIN:
      return lines(text, start, end).map(([from, to]) => verbatim(text, from, to));
    case Scalar.QUOTE_SINGLE:
      return lines(text, start + 1, end - 1).map(([from, to]) => decodeSingle(text, from, to));
    case Scalar.QUOTE_DOUBLE:
      return lines(text, start + 1, end - 1).map(([from, to]) => decodeDouble(text, from, to));
    case Scalar.BLOCK_LITERAL:
    case Scalar.BLOCK_FOLDED: {
      // The first line is the header (`|`, `>-`, `|2`...); content starts on the next line.
      const headerEnd = text.indexOf("\n", start);
      if (headerEnd < 0 || headerEnd >= end) return [];
      return lines(text, headerEnd + 1, end).map(([from, to]) => verbatim(text, from, to));
    }
    default:
      return undefined;
  }
}

/** [from, to) of each source line in [start, end), without leading and trailing blanks. */
function lines(text: string, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let from = start;
  while (from <= end) {
    let to = text.indexOf("\n", from);
    if (to < 0 || to > end) to = end;
    let a = from;
    let b = to;
    while (a < b && (text[a] === " " || text[a] === "\t")) a++;
    while (b > a && (text[b - 1] === " " || text[b - 1] === "\t" || text[b - 1] === "\r")) b--;
    out.push([a, b]);
    from = to + 1;
  }
  return out;
}

function verbatim(text: string, from: number, to: number): Segment {
  return { text: text.slice(from, to), sources: Array.from({ length: to - from }, (_, i) => from + i) };
}

function decodeSingle(text: string, from: number, to: number): Segment {
  const segment: Segment = { text: "", sources: [] };
  for (let i = from; i < to; i++) {
    segment.text += text[i];
    segment.sources.push(i);
    if (text[i] === "'" && text[i + 1] === "'") i++;
  }
  return segment;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

function decodeDouble(text: string, from: number, to: number): Segment {
  const segment: Segment = { text: "", sources: [] };
  for (let i = from; i < to; i++) {
    let char = text[i]!;
    const start = i;
    if (char === "\\" && i + 1 === to) break; // an escaped line break joins the lines
    if (char === "\\") {
      const next = text[i + 1]!;
      if (next in SIMPLE_ESCAPES) {
        char = SIMPLE_ESCAPES[next]!;
        i++;
      } else if (next in HEX_ESCAPES) {
        const digits = HEX_ESCAPES[next]!;
        char = String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + digits), 16));
        i += 1 + digits;
      }
    }
    // Offsets count UTF-16 units, as JavaScript strings (and CEL positions) do.
    for (let unit = 0; unit < char.length; unit++) segment.sources.push(start);
    segment.text += char;
  }
  return segment;
}
