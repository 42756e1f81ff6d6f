/**
 * The app's files as the proposal so far leaves them. Every `propose` call records whole documents
 * by file, kind and name; the copy is rebuilt from the app as given with every recorded document
 * spliced in (documents.ts), so a repair that re-proposes one document replaces only it, and the
 * app itself is never touched.
 */
import { createTwoFilesPatch } from "diff";
import { documentSpans, findDocument, spliceDocument, type SpecKind } from "./documents";
import type { AppFiles } from "./judge";
import type { ProposedDocument } from "./proposal";

export interface DocumentChange {
  file: string;
  kind: SpecKind;
  name: string;
  /** The document's whole new text, or null to delete it. */
  yaml: string | null;
}

export class WorkingCopy {
  private readonly changes = new Map<string, DocumentChange>();
  private current: Map<string, string>;

  constructor(readonly app: AppFiles) {
    this.current = new Map(app);
  }

  get files(): AppFiles {
    return this.current;
  }

  get size(): number {
    return this.changes.size;
  }

  /** Records one document; a refusal (in words, for the model) when it cannot be placed. */
  record(change: DocumentChange): string | undefined {
    for (const [file, text] of this.app) {
      if (file !== change.file && findDocument(text, change.kind, change.name)) {
        return `${change.kind} ${change.name} is in ${file}: propose it there (file: "${file}")`;
      }
    }
    const existing = this.app.get(change.file);
    if (change.yaml === null && (existing === undefined || !findDocument(existing, change.kind, change.name))) {
      return this.changes.delete(key(change)) ? undefined : `${change.file} has no ${change.kind} ${change.name} to delete`;
    }
    this.changes.set(key(change), change);
    this.rebuild();
    return undefined;
  }

  /** The documents the proposal changes, each with its text before and after and their unified diff. */
  documents(proposalId: string): ProposedDocument[] {
    const out: ProposedDocument[] = [];
    for (const change of this.changes.values()) {
      const original = this.app.get(change.file);
      const span = original !== undefined ? findDocument(original, change.kind, change.name) : undefined;
      const before = span?.text ?? null;
      const after = change.yaml === null ? null : withNewline(change.yaml);
      if (before === after) continue;
      out.push({
        id: `${proposalId}/${out.length + 1}`,
        file: change.file,
        docIndex: span?.index ?? docIndexOfNew(original),
        kind: change.kind,
        name: change.name,
        action: before === null ? "create" : after === null ? "delete" : "update",
        before,
        after,
        diff: createTwoFilesPatch(change.file, change.file, before ?? "", after ?? "", undefined, undefined, { context: 3 }),
        state: "pending",
      });
    }
    return out;
  }

  private rebuild(): void {
    const files = new Map<string, string | null>(this.app);
    for (const change of this.changes.values()) {
      files.set(change.file, spliceDocument(files.get(change.file) ?? null, change.kind, change.name, change.yaml));
    }
    this.current = new Map([...files].filter((entry): entry is [string, string] => entry[1] !== null));
  }
}

function key(change: DocumentChange): string {
  return `${change.file}\u0000${change.kind}\u0000${change.name}`;
}

/** A new document is appended: its place is after the file's last document (0 in a new file). */
function docIndexOfNew(text: string | undefined): number {
  return text === undefined || text.trim() === "" ? 0 : documentSpans(text).length;
}

function withNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
