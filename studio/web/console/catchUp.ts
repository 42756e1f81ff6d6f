/**
 * How the live invocation list catches up: the records appended since its top record are read from
 * the newest page down, following the keyset cursor, until a page reaches a record already shown.
 * A record's place (seq) is taken before its commit, so a record may appear below the top after
 * the top was shown (the log has several chains, committing side by side): new records are the
 * ones not shown yet, by invocation id, among those down to the lowest shown.
 * Pure (the page reader is given), so it is tested under Node.
 */
import type { InvocationPage, InvocationSummary } from "../../protocol";

/** Past this many pages of new records in one interval the list starts again from the newest page. */
const MAX_CATCH_UP_PAGES = 5;

/** What the list shows: records newest first, the cursor of the older ones, and the chain's head when last read. */
export interface ListState {
  items: InvocationSummary[];
  next?: string;
  head: number | null;
}

/** One page of the list as filtered: the newest without a cursor. */
export type ReadPage = (cursor?: string) => Promise<InvocationPage>;

/** The list with the records newer than the ones it shows on top, or null when nothing was appended since. */
export async function newerThan(read: ReadPage, known: ListState): Promise<ListState | null> {
  const first = await read();
  const shown = new Set(known.items.map((i) => i.invocationId));
  const lowest = known.items[known.items.length - 1]?.seq ?? 0;
  const isNew = (i: InvocationSummary) => !shown.has(i.invocationId) && i.seq > lowest;
  if (known.head !== null && first.head === known.head && !first.items.some(isNew)) return null;
  const top = known.items[0]?.seq ?? 0;
  const added: InvocationSummary[] = [];
  let page: InvocationPage = first;
  for (let pages = 1; ; pages++) {
    added.push(...page.items.filter(isNew));
    const caughtUp = page.items.length === 0 || page.items[page.items.length - 1]!.seq <= top || !page.next;
    if (caughtUp) break;
    if (pages >= MAX_CATCH_UP_PAGES || known.items.length === 0) return { items: first.items, next: first.next, head: first.head };
    page = await read(page.next);
  }
  return { items: [...added, ...known.items].sort((a, b) => b.seq - a.seq), next: known.next, head: first.head };
}
