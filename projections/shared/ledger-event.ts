import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { isLedgerEventType, type LedgerEvent } from '../../domain/experiment/events';

/**
 * The catalog view of a recorded event. The store upcasts older schema versions on read, so the data of a known
 * type has that type's current shape; unknown types (from a newer writer) are skipped by the caller.
 */
export function asLedgerEvent(event: RecordedEvent): LedgerEvent | null {
  // A RecordedEvent already carries `type` and `data`: viewing it as the catalog union costs no allocation per event.
  return isLedgerEventType(event.type) ? (event as unknown as LedgerEvent) : null;
}

/** The experiment an event belongs to, for the experiment and candidate streams (job events have none). */
export function experimentIdOf(event: RecordedEvent): string | null {
  const data = event.data as { experimentId?: unknown } | null;
  return data && typeof data.experimentId === 'string' ? data.experimentId : null;
}
