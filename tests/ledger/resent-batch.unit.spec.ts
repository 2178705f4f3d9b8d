/**
 * The re-send rule both SQL stores and the KurrentDB adapter apply (src/ledger/resent-batch.ts), without a server: the
 * KurrentDB contract suite runs only against a live server, so this is where its copy of the rule is exercised here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../../domain/shared/ledger-error';
import { validateEvents } from '../../src/ledger/envelope-validation';
import { resentBatchResult, type RecordedUnderId } from '../../src/ledger/resent-batch';
import { testEvent } from './fixtures/test-events';

const events = validateEvents([testEvent('A', { n: 1 }), testEvent('B', { n: 2 })]);
const at = (i: number, position: number, change: Partial<NonNullable<RecordedUnderId['event']>> = {}): RecordedUnderId => ({
  streamId: 's', streamVersion: i, globalPosition: position,
  event: { eventId: events[i]!.eventId, streamId: 's', type: events[i]!.type, schemaVersion: events[i]!.schemaVersion,
    data: events[i]!.data, metadata: events[i]!.metadata, ...change },
});
const conflict = (message: RegExp) => (e: unknown) => e instanceof LedgerError && e.code === 'CONFLICT' && message.test(e.message);

describe('a re-sent batch (src/ledger/resent-batch.ts)', () => {
  it('none of its ids recorded: a new append (null)', () => {
    assert.equal(resentBatchResult('s', events, [undefined, undefined]), null);
  });

  it('all recorded with the same content on the same stream: the first append\'s result, nothing written', () => {
    assert.deepEqual(resentBatchResult('s', events, [at(0, 7), at(1, 8)]),
      { streamId: 's', lastStreamVersion: 1, firstGlobalPosition: 7, lastGlobalPosition: 8, written: false });
  });

  it('an id recorded with other data, another type, on another stream, or unreadable: CONFLICT naming the id', () => {
    const changes: Partial<NonNullable<RecordedUnderId['event']>>[] = [{ data: { n: 99 } }, { type: 'Other' }, { streamId: 'other' }, { schemaVersion: 2 }];
    for (const change of changes) {
      assert.throws(() => resentBatchResult('s', events, [at(0, 7), at(1, 8, change)]),
        conflict(new RegExp(`event id ${events[1]!.eventId} is already recorded .* with different content`)), JSON.stringify(change));
    }
    assert.throws(() => resentBatchResult('s', events, [at(0, 7), { ...at(1, 8), event: null }]), conflict(/with different content/));
  });

  it('part of the batch recorded: CONFLICT, a batch is recorded whole or not at all', () => {
    assert.throws(() => resentBatchResult('s', events, [at(0, 7), undefined]), conflict(/1 of the 2 events in this batch are already recorded/));
  });
});
