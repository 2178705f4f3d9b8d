import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../../domain/shared/ledger-error';
import {
  chainBatch, derivedEventId, expectationHolds, globalPositionOf, LedgerStreams, ledgerVersionOf, logExpectedState, logRevisionOf,
  recordedFromStored, serverMetadata, streamExpectedState,
} from '../../src/ledger/adapters/kurrentdb/kurrentdb-mapping';
import { liveSnapshots } from '../../src/ledger/adapters/kurrentdb/kurrentdb-derived';
import { parseKurrentDbUrl, supportsMultiStreamAppend } from '../../src/ledger/adapters/kurrentdb/kurrentdb-url';
import { validateEvents } from '../../src/ledger/envelope-validation';
import { ChainVerifier, GENESIS_HASH } from '../../src/ledger/hash-chain';
import { testEvents } from './fixtures/test-events';

describe('KurrentDB mapping (pure, no server)', () => {
  it('global position p is log revision p - 1; the log is expected at the exact head', () => {
    assert.equal(globalPositionOf(0n), 1);
    assert.equal(logRevisionOf(1), 0n);
    assert.equal(logExpectedState(0), 'no_stream');
    assert.equal(logExpectedState(7), 6n);
    assert.equal(streamExpectedState(-1), 'no_stream');
    assert.equal(streamExpectedState(3), 3n);
    assert.equal(ledgerVersionOf('no_stream'), -1);
    assert.equal(ledgerVersionOf(4n), 4);
  });

  it('expected versions: all four modes decide as the SQL store does', () => {
    assert.deepEqual([-1, 0, 3].map((c) => expectationHolds('no_stream', c)), [true, false, false]);
    assert.deepEqual([-1, 0, 3].map((c) => expectationHolds('stream_exists', c)), [false, true, true]);
    assert.deepEqual([-1, 0, 3].map((c) => expectationHolds('any', c)), [true, true, true]);
    assert.deepEqual([-1, 0, 3].map((c) => expectationHolds(3, c)), [false, false, true]);
    assert.deepEqual([-1, 0].map((c) => expectationHolds(-1, c)), [true, false]);
  });

  it('stream names are prefixed by the ledger and cannot collide across kinds', () => {
    const names = new LedgerStreams('nas-ledger'.replace('-', '_'));
    assert.equal(names.log, 'nas_ledger-log');
    assert.equal(names.stream('experiment-1'), 'nas_ledger-stream-experiment-1');
    assert.notEqual(names.snapshots('a@b', 'c'), names.snapshots('a', 'b@c'));
    assert.equal(names.eventId('ABC'), 'nas_ledger-id-abc');
  });

  it('a chained batch verifies as a chain, reads back checked, and a changed byte is INTEGRITY naming its position', () => {
    const valid = validateEvents(testEvents(3));
    const records = chainBatch('s', valid, -1, { position: 0, hash: GENESIS_HASH });
    assert.deepEqual(records.map((r) => [r.globalPosition, r.streamVersion]), [[1, 0], [2, 1], [3, 2]]);
    const verifier = new ChainVerifier();
    const read = records.map((r) => recordedFromStored(JSON.parse(JSON.stringify(r)), { globalPosition: r.globalPosition }));
    assert.ok(read.every((e) => verifier.check(e)), JSON.stringify(verifier.firstBreak));
    assert.deepEqual(read[1]?.data, { i: 1 });
    const next = chainBatch('t', validateEvents(testEvents(1)), 4, { position: 3, hash: records[2]!.hash });
    assert.equal(next[0]?.prevHash, records[2]!.hash);
    assert.equal(next[0]?.streamVersion, 5);
    const forged = { ...records[1]!, data: '{"i":99}' };
    assert.throws(() => recordedFromStored(forged, { globalPosition: 2 }), (e: unknown) => e instanceof LedgerError && e.code === 'INTEGRITY' && e.details?.position === 2);
    assert.throws(() => recordedFromStored(records[1], { globalPosition: 3 }), /position 2 here/);
    assert.throws(() => recordedFromStored({ foreign: true }, { globalPosition: 5 }), /not a ledger record/);
  });

  it('derived ids are deterministic uuids that differ by role; server metadata holds strings only', () => {
    const id = '0f6e3b7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    assert.equal(derivedEventId(id, 'log'), derivedEventId(id.toUpperCase(), 'log'));
    assert.notEqual(derivedEventId(id, 'log'), derivedEventId(id, 'claim'));
    assert.match(derivedEventId(id, 'claim'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(serverMetadata('{"causationId":null,"correlationId":"c"}'), { $correlationId: 'c' });
  });

  it('snapshots: a later save replaces a position, a prune marker removes it', () => {
    const saved = (position: number, n: number): unknown => ({ kind: 'saved', position, state: { n }, chainHash: 'x', contentHash: 'y' });
    const live = liveSnapshots([saved(1, 1), saved(2, 2), saved(1, 3), { kind: 'pruned', positions: [2] }, saved(2, 4)]);
    assert.deepEqual([...live.entries()].map(([p, s]) => [p, s.state]), [[1, { n: 3 }], [2, { n: 4 }]]);
  });

  it('URLs: esdb:// becomes kurrentdb://, ledger= is ours, passwords are redacted, versions before 25.1 are refused', () => {
    const l = parseKurrentDbUrl('esdb://admin:changeit@db:2113?tls=false&ledger=lab_1');
    assert.equal(l.connectionString, 'kurrentdb://admin:changeit@db:2113?tls=false');
    assert.equal(l.ledger, 'lab_1');
    assert.doesNotMatch(l.redacted, /changeit/);
    assert.equal(parseKurrentDbUrl('kurrentdb://db:2113').ledger, 'nas-ledger');
    assert.throws(() => parseKurrentDbUrl('kurrentdb://db:2113?ledger=a-b'), /stream prefix/);
    assert.throws(() => parseKurrentDbUrl('kurrentdb://'), /no host/);
    assert.deepEqual(['25.1.0.2', '26.0.0', '25.0.1', '24.10.0', 'unknown', ''].map(supportsMultiStreamAppend),
      [true, true, false, false, false, false]);
  });
});
