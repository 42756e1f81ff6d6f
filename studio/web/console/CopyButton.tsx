/** A command with a button that copies it (the operator pastes it into a terminal: the studio never runs it). */
import { useState } from "react";

export function Command(props: { text: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(props.text).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => setCopied(false),
    );
  return (
    <span className="command" data-testid={props.testId}>
      <code>{props.text}</code>
      <button className="icon copy" title="Copy the command" onClick={() => void copy()}>
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}
