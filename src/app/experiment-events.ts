import { belongsToExperiment } from '../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { EventStore } from '../ledger/event-store.port';

/** Every event of one experiment (experiment and candidate streams, and its jobs' claims), in log order. */
export async function experimentEventsOf(store: EventStore, experimentId: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    if (page.length === 0) return out;
    for (const e of page) {
      if (belongsToExperiment(e, experimentId)) out.push(e);
    }
    after = page[page.length - 1]!.globalPosition;
  }
}
