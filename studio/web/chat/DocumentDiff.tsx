/** One proposed document: what it does to which file, its diff (added and removed lines coloured), and Accept / Reject while it is pending. */
import type { ProposedDocument } from "../../protocol";

const ACTION_TAG: Record<ProposedDocument["action"], string> = { create: "added", update: "changed", delete: "removed" };

export function DocumentDiff(props: {
  document: ProposedDocument;
  /** False for a failed proposal: nothing in it can be accepted. */
  acceptable: boolean;
  busy: boolean;
  onAccept(): void;
  onReject(): void;
}) {
  const d = props.document;
  return (
    <div className={`proposal-doc state-${d.state}`} data-testid={`proposal-doc-${d.file}#${d.docIndex}`} data-state={d.state}>
      <div className="proposal-doc-head">
        <span className={`change-tag change-${ACTION_TAG[d.action]}`}>{d.action}</span>
        <span className="proposal-doc-title">
          <span>
            {d.kind} <strong>{d.name}</strong>
          </span>
          <code className="muted small" title={d.file}>
            {d.file}
            {d.docIndex > 0 ? ` (document ${d.docIndex + 1})` : ""}
          </code>
        </span>
        <span className="spacer" />
        {props.acceptable && d.state === "pending" ? (
          <span className="proposal-doc-actions">
            <button className="primary" data-testid={`accept-${d.id}`} disabled={props.busy} onClick={props.onAccept}>
              Accept
            </button>
            <button data-testid={`reject-${d.id}`} disabled={props.busy} onClick={props.onReject}>
              Reject
            </button>
          </span>
        ) : (
          <span className={`doc-state doc-${d.state}`} data-testid={`state-${d.id}`}>
            {d.state === "pending" ? "not offered" : d.state}
          </span>
        )}
      </div>
      <pre className="diff" data-testid={`diff-${d.id}`}>
        {diffLines(d).map((line, i) => (
          <span key={i} className={`diff-line ${lineKind(line)}`}>
            {line}
            {"\n"}
          </span>
        ))}
      </pre>
    </div>
  );
}

/** The unified diff the server made, from its first hunk: its file header (`Index:`, `---`, `+++`) is what the card's head says. */
function diffLines(d: ProposedDocument): string[] {
  const lines = d.diff.replace(/\n$/, "").split("\n");
  const firstHunk = lines.findIndex((line) => line.startsWith("@@"));
  if (firstHunk !== -1) return lines.slice(firstHunk);
  return (d.after ?? "").replace(/\n$/, "").split("\n").map((line) => `+${line}`);
}

function lineKind(line: string): string {
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "added";
  if (line.startsWith("-")) return "removed";
  return "context";
}
