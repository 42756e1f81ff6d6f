/**
 * How the live invocation list catches up: the records appended since its top record are read from
 * the newest page down, following the keyset cursor, until a page reaches a record already shown.
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
  if (known.head !== null && first.head === known.head) return null;
  const top = known.items[0]?.seq ?? 0;
  const added: InvocationSummary[] = [];
  let page: InvocationPage = first;
  for (let pages = 1; ; pages++) {
    added.push(...page.items.filter((i) => i.seq > top));
    const caughtUp = page.items.length === 0 || page.items[page.items.length - 1]!.seq <= top || !page.next;
    if (caughtUp) break;
    if (pages >= MAX_CATCH_UP_PAGES || known.items.length === 0) return { items: first.items, next: first.next, head: first.head };
    page = await read(page.next);
  }
  return { items: [...added, ...known.items], next: known.next, head: first.head };
}
