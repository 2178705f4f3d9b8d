import type { ExpectedVersion, NewEvent } from '../../../../domain/shared/event-envelope';
import { LedgerError } from '../../../../domain/shared/ledger-error';
import { validateEvents, validateExpectedVersion, validateStreamId, type ValidEvent } from '../../envelope-validation';
import type { AppendResult } from '../../event-store.port';
import { resentBatchResult } from '../../resent-batch';
import type { KurrentDbLog } from './kurrentdb-log';
import {
  chainBatch, derivedEventId, expectationHolds, expectedVersionConflict, ID_CLAIM_TYPE, logExpectedState, parseIdClaim,
  serverMetadata, streamExpectedState, type LedgerStreams, type StoredRecord,
} from './kurrentdb-mapping';
import { ExpectedStateFailure, type KurrentDbStreams, type StreamWrite } from './kurrentdb-streams';

/** How often an append re-reads and retries when other writers keep taking the head first. */
const MAX_ATTEMPTS = 100;

/**
 * One ledger append is one KurrentDB transaction over three kinds of streams: the ledger stream (at the exact
 * revision checked), the log (at the exact head, so positions stay contiguous and the chain unforked), and one
 * claim stream per event id (no_stream, so an id is used once). Any expectation failing writes nothing; the append
 * then re-reads and decides again.
 */
export class KurrentDbAppends {
  constructor(private readonly streams: KurrentDbStreams, private readonly names: LedgerStreams, private readonly log: KurrentDbLog) {}

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    validateStreamId(streamId);
    const expected = validateExpectedVersion(expectedVersion);
    const valid = validateEvents(events);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [current, head] = await Promise.all([this.log.streamVersion(streamId), this.log.checkedHead()]);
      if (!expectationHolds(expected, current)) {
        const resent = await this.findResent(streamId, valid);
        if (resent) return resent;
        throw expectedVersionConflict(streamId, expected, current);
      }
      const records = chainBatch(streamId, valid, current, head);
      try {
        await this.streams.appendAtomically(this.writesFor(streamId, records, current, head.position));
      } catch (error) {
        if (!(error instanceof ExpectedStateFailure)) throw error;
        const resent = await this.findResent(streamId, valid);
        if (resent) return resent;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
        continue;
      }
      const first = records[0]!;
      const last = records[records.length - 1]!;
      return {
        streamId, lastStreamVersion: last.streamVersion, firstGlobalPosition: first.globalPosition, lastGlobalPosition: last.globalPosition,
        written: true,
      };
    }
    throw new LedgerError('UNAVAILABLE', `stream ${streamId}: the log's head kept moving; ${MAX_ATTEMPTS} attempts did not get a position`,
      'Other writers are appending very fast; retry the command.', { streamId });
  }

  /** The writes of one append: the ledger stream, the log, and each event id's claim. */
  writesFor(streamId: string, records: readonly StoredRecord[], current: number, head: number): StreamWrite[] {
    return [
      {
        stream: this.names.stream(streamId), expected: streamExpectedState(current),
        events: records.map((r) => ({ id: r.eventId, type: r.type, data: { ...r }, metadata: serverMetadata(r.metadata) })),
      },
      {
        stream: this.names.log, expected: logExpectedState(head),
        events: records.map((r) => ({ id: derivedEventId(r.eventId, 'log'), type: r.type, data: { ...r }, metadata: serverMetadata(r.metadata) })),
      },
      ...records.map((r): StreamWrite => ({
        stream: this.names.eventId(r.eventId), expected: 'no_stream',
        events: [{ id: derivedEventId(r.eventId, 'claim'), type: ID_CLAIM_TYPE, data: { streamId, streamVersion: r.streamVersion, globalPosition: r.globalPosition } }],
      })),
    ];
  }

  /** An idempotent re-send returns the first result; a reused id with other content, or a partial batch, is refused. */
  private async findResent(streamId: string, events: readonly ValidEvent[]): Promise<AppendResult | null> {
    const claims = await Promise.all(events.map(async (e) => {
      const found = await this.streams.readLast(this.names.eventId(e.eventId));
      return found ? parseIdClaim(found.data) : null;
    }));
    if (claims.every((c) => c === null)) return null;
    const recorded = await Promise.all(claims.map(async (claim) => claim ? { ...claim, event: await this.log.at(claim.globalPosition) } : undefined));
    return resentBatchResult(streamId, events, recorded);
  }
}
