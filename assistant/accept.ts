/**
 * Accepting one proposed document: its `after` spliced into the file as it is now, in place of
 * exactly the text that was judged (`before`). When the file changed under that document since the
 * proposal (an edit in the studio, another accept of the same document), the splice is refused
 * rather than writing over work nobody judged.
 */
import { findDocument, spliceDocument } from "./documents";
import type { ProposedDocument } from "./proposal";

/** The file's new text (null: delete the file) after accepting `doc`; throws when the document changed since it was proposed. */
export function applyProposedDocument(
  text: string | null,
  doc: Pick<ProposedDocument, "file" | "kind" | "name" | "before" | "after">,
): string | null {
  const now = text !== null ? (findDocument(text, doc.kind, doc.name)?.text ?? null) : null;
  if (now !== doc.before) {
    throw new Error(`${doc.file}: ${doc.kind} ${doc.name} changed since it was proposed; ask again`);
  }
  return spliceDocument(text, doc.kind, doc.name, doc.after);
}
