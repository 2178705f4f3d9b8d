import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { EventStore, ReadAllOptions } from './event-store.port';

/**
 * Streams the global log page by page (readAll with a limit), so replays of millions of events run in bounded
 * memory on any EventStore.
 */
export function iterateAll(store: EventStore, options: Omit<ReadAllOptions, 'limit'> = {}, pageSize = 5000): AsyncGenerator<RecordedEvent> {
  return prefetchingPages((after, limit) => store.readAll({ ...options, after, limit }), options.after ?? 0, pageSize);
}

/**
 * Yields the pages `read(after, limit)` returns, asking for the next page as soon as one arrives: the database
 * produces page n + 1 while the caller works through page n (on a server that is another process, another core).
 * At most two pages are held. A page shorter than the limit is the last.
 */
export async function* prefetchingPages(
  read: (after: number, limit: number) => Promise<RecordedEvent[]>, start: number, pageSize: number,
): AsyncGenerator<RecordedEvent> {
  let next: Promise<RecordedEvent[]> | null = read(start, pageSize);
  try {
    while (next) {
      const page: RecordedEvent[] = await next;
      next = page.length < pageSize ? null : read(page[page.length - 1]!.globalPosition, pageSize);
      // A consumer that stops early must not leave an unhandled rejection behind; awaiting next still reports it.
      next?.catch(() => undefined);
      for (const event of page) yield event;
    }
  } finally {
    // Stopped early: let the read in flight finish before the caller (say) closes the store.
    await next?.catch(() => undefined);
  }
}
