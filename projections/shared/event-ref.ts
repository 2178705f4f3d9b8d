import type { RecordedEvent } from '../../domain/shared/event-envelope';

/** Where an event sits in the ledger and how to verify it: enough to cite it and re-read it. */
export interface EventRef {
  readonly type: string;
  readonly position: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly hash: string;
  readonly recordedAt: string;
}

export function eventRef(event: RecordedEvent): EventRef {
  return {
    type: event.type,
    position: event.globalPosition,
    eventId: event.eventId,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    hash: event.hash,
    recordedAt: event.metadata.recordedAt,
  };
}
