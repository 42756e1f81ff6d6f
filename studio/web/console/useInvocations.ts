/**
 * The invocation list, kept live by polling: every POLL_MS the newest page is read again, and the
 * records newer than the newest one shown are put on top (following `next` when more arrived than
 * a page holds). Pages are keyset pages on the record's seq, so a record appended meanwhile never
 * shifts what "older" loads. Polling rather than a push channel: the operator API is plain
 * authenticated GETs the studio proxies, an idle list costs one small request per interval (none
 * when the tab is hidden), and nothing has to hold a connection through the executor's load balancer.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { InvocationFilter, InvocationPage, InvocationSummary } from "../../protocol";
import { consoleApi } from "./api";
import { newerThan, type ListState } from "./catchUp";

export const POLL_MS = 2000;

export interface LiveInvocations {
  items: InvocationSummary[];
  /** More, older records can be loaded. */
  older: boolean;
  loadOlder(): void;
  loading: boolean;
  error: string | null;
  /** When the list last heard from the executor. */
  updatedAt: Date | null;
}

export function useInvocations(filter: InvocationFilter): LiveInvocations {
  const [state, setState] = useState<ListState>({ items: [], head: null });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const current = useRef(state);
  current.current = state;
  const key = JSON.stringify(filter);

  useEffect(() => {
    let live = true;
    const heard = () => {
      setError(null);
      setUpdatedAt(new Date());
    };
    const fail = (e: Error) => live && setError(e.message);
    setState({ items: [], head: null });
    setLoading(true);
    consoleApi
      .invocations(filter)
      .then((page) => {
        if (!live) return;
        setState({ items: page.items, next: page.next, head: page.head });
        heard();
      }, fail)
      .finally(() => live && setLoading(false));

    let polling = false;
    const poll = async () => {
      if (polling || document.hidden) return;
      polling = true;
      try {
        const known = current.current;
        const fresh = await newerThan((cursor) => consoleApi.invocations(filter, cursor ? { cursor } : {}), known);
        if (!live) return;
        heard();
        if (fresh) setState((s) => (s === known ? fresh : s));
      } catch (e) {
        fail(e as Error);
      } finally {
        polling = false;
      }
    };
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
    // The filter is compared by value (key): a new object with the same members is the same list.
  }, [key]);

  const loadOlder = useCallback(() => {
    const { next } = current.current;
    if (!next) return;
    setLoading(true);
    consoleApi
      .invocations(JSON.parse(key) as InvocationFilter, { cursor: next })
      .then(
        (page: InvocationPage) =>
          setState((s) =>
            s.next === next ? { ...s, items: [...s.items, ...page.items.filter((i) => i.seq < lowest(s.items))], next: page.next } : s,
          ),
        (e: Error) => setError(e.message),
      )
      .finally(() => setLoading(false));
  }, [key]);

  return { items: state.items, older: state.next !== undefined, loadOlder, loading, error, updatedAt };
}

function lowest(items: InvocationSummary[]): number {
  return items.length ? items[items.length - 1]!.seq : Number.POSITIVE_INFINITY;
}
