import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { canonicalText } from './canonical-text';
import type { AppendResult } from './event-store.port';
import type { ValidEvent } from './envelope-validation';

/** What a store holds under one event id of a batch being appended: where, and the event read back from there. */
export interface RecordedUnderId {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: number;
  /** The event at that position; null where the store could not read it back (then it is never the same). */
  readonly event: Pick<RecordedEvent, 'eventId' | 'streamId' | 'type' | 'schemaVersion' | 'data' | 'metadata'> | null;
}

/**
 * An append whose event ids are already recorded is a re-send (a retry after a lost reply): it returns the first
 * append's result without writing, if every event of the batch is recorded on this stream with exactly this content.
 * A reused id with other content, or a batch recorded in part, is CONFLICT. `recorded[i]` is what holds
 * `events[i].eventId` (undefined: nothing). Null when none of the ids is recorded: a new append.
 */
export function resentBatchResult(streamId: string, events: readonly ValidEvent[], recorded: readonly (RecordedUnderId | undefined)[]): AppendResult | null {
  const known = recorded.filter((r): r is RecordedUnderId => r !== undefined);
  if (known.length === 0) return null;
  for (const [i, e] of events.entries()) {
    const at = recorded[i];
    if (!at) continue;
    const found = at.event;
    const same = found !== null && found.eventId === e.eventId && found.streamId === streamId && found.type === e.type &&
      found.schemaVersion === e.schemaVersion && canonicalText(found.data) === e.dataJson && canonicalText(found.metadata) === e.metadataJson;
    if (!same) {
      throw new LedgerError('CONFLICT',
        `event id ${e.eventId} is already recorded (stream ${at.streamId}, position ${at.globalPosition}) with different content`,
        'Event ids must be deterministic from the command that caused them; a new command needs a new command id.',
        { eventId: e.eventId, streamId, recordedStreamId: at.streamId, globalPosition: at.globalPosition });
    }
  }
  if (known.length !== events.length) {
    throw new LedgerError('CONFLICT',
      `${known.length} of the ${events.length} events in this batch are already recorded, the others are not`,
      'A batch is recorded whole or not at all; re-send exactly the original batch, or use new event ids.',
      { streamId, alreadyRecorded: events.filter((_, i) => recorded[i]).map((e) => e.eventId) });
  }
  return {
    streamId,
    lastStreamVersion: Math.max(...known.map((r) => r.streamVersion)),
    firstGlobalPosition: Math.min(...known.map((r) => r.globalPosition)),
    lastGlobalPosition: Math.max(...known.map((r) => r.globalPosition)),
    written: false,
  };
}
