/** One read of the executor through the Console's proxy, done when the panel opens: its answer, or why there is none. */
import { useEffect, useState } from "react";

export type Read<T> = { state: "loading" } | { state: "done"; value: T } | { state: "failed"; error: string };

export function useExecutorRead<T>(read: () => Promise<T>): Read<T> {
  const [result, setResult] = useState<Read<T>>({ state: "loading" });
  useEffect(() => {
    let live = true;
    read().then(
      (value) => live && setResult({ state: "done", value }),
      (e: Error) => live && setResult({ state: "failed", error: e.message }),
    );
    return () => {
      live = false;
    };
    // The read is a fixed route of the proxy: done once, when the panel opens.
  }, []);
  return result;
}

/** What a panel shows until its read answered: loading, or the executor's refusal / absence. */
export function ReadPending(props: { read: Read<unknown>; what: string }) {
  if (props.read.state === "failed") {
    return (
      <div className="console-error" role="alert" data-testid="console-error">
        {props.read.error}
      </div>
    );
  }
  return <p className="muted">Reading the {props.what} from the executor…</p>;
}
