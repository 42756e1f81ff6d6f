/**
 * Reads a spec file as UTF-8, refusing text that is not: Node's decoder would silently turn bad
 * bytes into U+FFFD, and a name containing one would then fail far from its cause.
 */
import { readFileSync } from "node:fs";

export type SpecFileText = { ok: true; text: string } | { ok: false; line: number; col: number; message: string };

const READ_ERRORS: Record<string, string> = {
  ENOENT: "it does not exist (a symbolic link to a missing file?)",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a directory",
  ELOOP: "symbolic links loop",
};

export function readSpecFile(file: string): SpecFileText {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = (code && READ_ERRORS[code]) ?? (error as Error).message;
    return { ok: false, line: 1, col: 1, message: `cannot read file: ${reason}${code ? ` (${code})` : ""}` };
  }
  const text = bytes.toString("utf8");
  const bad = firstInvalidByte(bytes, text);
  if (bad === undefined) return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  const before = bytes.subarray(0, bad).toString("utf8");
  const line = before.split("\n").length;
  const col = before.length - (before.lastIndexOf("\n") + 1) + 1;
  const byte = bytes[bad]!.toString(16).toUpperCase().padStart(2, "0");
  return { ok: false, line, col, message: `file is not valid UTF-8: byte 0x${byte} at byte offset ${bad}` };
}

/** Offset of the first byte that is not part of valid UTF-8: where re-encoding the decoded text departs. */
function firstInvalidByte(bytes: Buffer, decoded: string): number | undefined {
  if (!decoded.includes("\uFFFD")) return undefined;
  const again = Buffer.from(decoded, "utf8");
  const length = Math.min(again.length, bytes.length);
  for (let i = 0; i < length; i++) if (again[i] !== bytes[i]) return i;
  return again.length === bytes.length ? undefined : length;
}
