/**
 * The session as the browser holds it: the app's summary (risk, problems, edit state), refreshed by
 * every answer of the server, and the actions every screen shares (edit, undo, redo, save).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { AppSummary, ChangeAnswer, Edit, NodeTypeCatalog } from "../protocol";
import { api } from "./api";

export interface Studio {
  summary: AppSummary | null;
  catalog: NodeTypeCatalog | null;
  /** The last refusal or failure, shown in a banner until dismissed. */
  error: string | null;
  busy: boolean;
  edit(edit: Edit): Promise<ChangeAnswer | null>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  save(): Promise<void>;
  /** Any other request whose answer carries the summary (an accepted chat proposal), handled like an edit. */
  perform<T extends { summary: AppSummary }>(request: () => Promise<T>): Promise<T | null>;
  dismiss(): void;
}

const StudioContext = createContext<Studio | null>(null);

export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (!studio) throw new Error("useStudio outside StudioProvider");
  return studio;
}

export function StudioProvider(props: { children: ReactNode }) {
  const [summary, setSummary] = useState<AppSummary | null>(null);
  const [catalog, setCatalog] = useState<NodeTypeCatalog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.app().then(setSummary, (e: Error) => setError(e.message));
    api.nodeTypes().then(setCatalog, (e: Error) => setError(e.message));
  }, []);

  const run = useCallback(async <T extends { summary: AppSummary }>(action: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    try {
      const answer = await action();
      setSummary(answer.summary);
      setError(null);
      return answer;
    } catch (e) {
      setError((e as Error).message);
      return null;
    } finally {
      setBusy(false);
    }
  }, []);

  const studio = useMemo<Studio>(
    () => ({
      summary,
      catalog,
      error,
      busy,
      edit: (edit) => run(() => api.edit(edit)),
      undo: async () => void (await run(api.undo)),
      redo: async () => void (await run(api.redo)),
      save: async () => void (await run(api.save)),
      perform: run,
      dismiss: () => setError(null),
    }),
    [summary, catalog, error, busy, run],
  );
  return <StudioContext.Provider value={studio}>{props.children}</StudioContext.Provider>;
}

/** True when a key press belongs to a text field (its own undo, copy and paste). */
export function typingIn(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element || !element.tagName) return false;
  return element.tagName === "INPUT" || element.tagName === "TEXTAREA" || element.tagName === "SELECT" || element.isContentEditable;
}
