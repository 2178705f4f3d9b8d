import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { EventStore, ReadAllOptions } from './event-store.port';

/**
 * Streams the global log page by page (readAll with a limit), so replays of millions of events run in bounded
 * memory on any EventStore.
 */
export async function* iterateAll(store: EventStore, options: Omit<ReadAllOptions, 'limit'> = {}, pageSize = 5000): AsyncGenerator<RecordedEvent> {
  let after = options.after ?? 0;
  for (;;) {
    const page = await store.readAll({ ...options, after, limit: pageSize });
    for (const event of page) yield event;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.globalPosition;
  }
}
