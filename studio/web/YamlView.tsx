/**
 * The tool's file as text, beside the canvas. Typing sends the whole text to the server (setText),
 * debounced; the canvas follows the server's answer. While the user types, the server's text does not
 * overwrite theirs; once the server agrees (or another change lands), the view follows it again.
 */
import { useEffect, useRef, useState } from "react";

export function YamlView(props: { file: string; yaml: string; onText(text: string): void; delayMs?: number }) {
  const [text, setText] = useState(props.yaml);
  const pending = useRef<number | null>(null);
  const typed = useRef<string | null>(null);

  useEffect(() => {
    // The server's text wins unless the user has typed something not yet sent.
    if (pending.current === null) {
      setText(props.yaml);
      typed.current = null;
    }
  }, [props.yaml]);

  // Leaving the view (another tab, another page) sends what was typed and not yet sent.
  const latest = useRef(props);
  latest.current = props;
  useEffect(
    () => () => {
      if (pending.current === null) return;
      window.clearTimeout(pending.current);
      pending.current = null;
      if (typed.current !== null && typed.current !== latest.current.yaml) latest.current.onText(typed.current);
    },
    [],
  );

  const onChange = (value: string) => {
    setText(value);
    typed.current = value;
    if (pending.current !== null) window.clearTimeout(pending.current);
    pending.current = window.setTimeout(() => {
      pending.current = null;
      if (typed.current !== null && typed.current !== props.yaml) props.onText(typed.current);
    }, props.delayMs ?? 500);
  };

  return (
    <div className="yaml">
      <div className="yaml-head">
        <code>{props.file}</code>
        <span className="muted">{pending.current !== null ? "typing…" : "in step with the canvas"}</span>
      </div>
      <textarea data-testid="yaml-view" spellCheck={false} value={text} onChange={(e) => onChange(e.target.value)} wrap="off" />
    </div>
  );
}
