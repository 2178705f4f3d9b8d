import type { RecordedEvent } from '../shared/event-envelope';
import { isLedgerEventType, type LedgerEvent, type LedgerEventType } from './events';

/** A recorded event whose `type` and `data` are those of one catalog event (narrowed on its type). */
export type RecordedLedgerEvent<Type extends LedgerEventType = LedgerEventType> =
  RecordedEvent & Extract<LedgerEvent, { readonly type: Type }>;

/**
 * The catalog view of a recorded event, to narrow with a `switch (event.type)`; null for a type the catalog does not
 * know (written by a newer version). The store upcasts older schema versions on read, so the data of a known type
 * has that type's current shape.
 */
export function asLedgerEvent(recorded: RecordedEvent): LedgerEvent | null {
  // A RecordedEvent already carries `type` and `data`: viewing it as the catalog union costs no allocation per event.
  return isLedgerEventType(recorded.type) ? (recorded as unknown as LedgerEvent) : null;
}

/** Whether `recorded` is an event of `type`, typing its data as that event's (`events.find((e) => isEvent(e, 'X'))`). */
export function isEvent<Type extends LedgerEventType>(recorded: RecordedEvent | undefined, type: Type): recorded is RecordedLedgerEvent<Type> {
  return recorded !== undefined && recorded.type === type;
}

/** The first event of `type` in `events`, typed; undefined when there is none. */
export function firstEvent<Type extends LedgerEventType>(events: readonly RecordedEvent[], type: Type): RecordedLedgerEvent<Type> | undefined {
  for (const event of events) if (isEvent(event, type)) return event;
  return undefined;
}

/** The experiment an event belongs to (experiment and candidate events); null for job events and unknown types. */
export function experimentIdOf(recorded: RecordedEvent): string | null {
  const event = asLedgerEvent(recorded);
  if (!event || event.type === 'JobClaimed' || event.type === 'JobFailed') return null;
  return event.data.experimentId;
}

/** Whether an event is one experiment's: its own events, and the claims and failures of its jobs (job ids embed its id). */
export function belongsToExperiment(recorded: RecordedEvent, experimentId: string): boolean {
  const event = asLedgerEvent(recorded);
  if (!event) return false;
  if (event.type === 'JobClaimed' || event.type === 'JobFailed') return event.data.jobId.includes(`:${experimentId}`);
  return event.data.experimentId === experimentId;
}

/** The cycle an event belongs to; null for events outside any cycle (registration, seeding, completion, jobs). */
export function cycleOf(event: LedgerEvent): number | null {
  return 'cycle' in event.data ? event.data.cycle : null;
}
