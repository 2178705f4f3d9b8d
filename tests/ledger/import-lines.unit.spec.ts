/**
 * The import line loop both stores share (SQL importEvents, KurrentDB importIntoKurrentDb): what it accepts, what it
 * counts as already present, and each refusal with the code, message and details the CLI has always shown. It runs
 * without a server, so the KurrentDB import's checks are covered here too (its contract suite needs a live KurrentDB).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { ChainVerifier, eventHash, GENESIS_HASH } from '../../src/ledger/hash-chain';
import { checkImportLines, type ImportOptions, type ImportTarget } from '../../src/ledger/import-lines';
import { testEvents } from './fixtures/test-events';

/** A valid chain of `count` events in one stream, positions 1..count. */
function chain(count: number): RecordedEvent[] {
  let prevHash = GENESIS_HASH;
  return testEvents(count).map((e, i) => {
    const fields = { ...e, streamId: 's', streamVersion: i, globalPosition: i + 1 };
    const hash = eventHash(prevHash, fields);
    const event = { ...fields, hash, prevHash };
    prevHash = hash;
    return event;
  });
}

/** A store holding `held` (a prefix of some chain), read the way the two stores read theirs. */
function storeHolding(held: readonly RecordedEvent[]): ImportTarget & { verifiersAsked: number } {
  const last = held.at(-1);
  const target = {
    head: { position: last?.globalPosition ?? 0, hash: last?.hash ?? GENESIS_HASH },
    verifiersAsked: 0,
    hashAt: (position: number) => Promise.resolve(held.find((e) => e.globalPosition === position)?.hash),
    verifierAfterHead: () => {
      target.verifiersAsked++;
      return new ChainVerifier(target.head.position, target.head.hash, new Map([['s', held.length - 1]]));
    },
  };
  return target;
}

async function importInto(target: ImportTarget, source: Iterable<unknown>, options: ImportOptions = {}):
  Promise<{ accepted: number[]; result?: Awaited<ReturnType<typeof checkImportLines>>; error?: LedgerError }> {
  const accepted: number[] = [];
  try {
    const result = await checkImportLines(source as Iterable<RecordedEvent>, options, target, (e) => { accepted.push(e.globalPosition); });
    return { accepted, result };
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    return { accepted, error };
  }
}

describe('checkImportLines (the import loop of both stores)', () => {
  it('into an empty store: every event is accepted in order and the head is the last one', async () => {
    const events = chain(5);
    const { accepted, result } = await importInto(storeHolding([]), events);
    assert.deepEqual(accepted, [1, 2, 3, 4, 5]);
    assert.deepEqual(result, { alreadyPresent: 0, head: 5 });
  });

  it('into a store holding a prefix: the prefix counts as already present and the rest continue the store', async () => {
    const events = chain(6);
    const target = storeHolding(events.slice(0, 4));
    const { accepted, result } = await importInto(target, events);
    assert.deepEqual(accepted, [5, 6]);
    assert.deepEqual(result, { alreadyPresent: 4, head: 6 });
    assert.equal(target.verifiersAsked, 1, 'the store is asked for its verifier once, at the first new event');
    const again = await importInto(storeHolding(events), events);
    assert.deepEqual(again.result, { alreadyPresent: 6, head: 6 });
    assert.deepEqual(again.accepted, []);
  });

  it('a malformed line is BAD_INPUT naming the line', async () => {
    const { error } = await importInto(storeHolding([]), [...chain(1), { globalPosition: 2 }]);
    assert.equal(error?.code, 'BAD_INPUT');
    assert.match(error.message, /^event 2: /);
    assert.equal(error.details?.line, 2);
  });

  it('an event the application rejects is BAD_INPUT with its line, position, type and the reason', async () => {
    const { error, accepted } = await importInto(storeHolding([]), chain(4), { rejectEvent: (e) => (e.globalPosition === 3 ? 'unknown type' : null) });
    assert.equal(error?.code, 'BAD_INPUT');
    assert.equal(error.message, 'event 3 (position 3, TestHappened v1): unknown type');
    assert.deepEqual(error.details, { line: 3, globalPosition: 3 });
    assert.deepEqual(accepted, [1, 2]);
  });

  it('an event the store holds with another hash is REFUSED: the file does not continue this store', async () => {
    const held = chain(3);
    const other = chain(3);
    const { error } = await importInto(storeHolding(held), other);
    assert.equal(error?.code, 'REFUSED');
    assert.equal(error.message, 'the file does not continue this store: position 1 differs');
    assert.deepEqual(error.details, { globalPosition: 1 });
  });

  it('a file whose first new event is not at head + 1 is REFUSED naming both positions', async () => {
    const events = chain(6);
    const { error, accepted } = await importInto(storeHolding(events.slice(0, 2)), events.slice(3));
    assert.equal(error?.code, 'REFUSED');
    assert.equal(error.message, "the file starts at position 4 but the store's head is 2");
    assert.deepEqual(accepted, []);
  });

  it('a file that follows another chain at head + 1 is REFUSED', async () => {
    const held = chain(2);
    const foreign = chain(3).slice(2).map((e) => ({ ...e, prevHash: 'f'.repeat(64) }));
    const { error } = await importInto(storeHolding(held), foreign);
    assert.equal(error?.code, 'REFUSED');
    assert.equal(error.message, 'the file does not continue this store: its event at position 3 follows another chain');
    assert.deepEqual(error.details, { globalPosition: 3 });
  });

  it("a changed event is INTEGRITY naming its position and line; the events before it were accepted, none after", async () => {
    const tampered = chain(6).map((e) => (e.globalPosition === 4 ? { ...e, data: { forged: true } } : e));
    const { error, accepted } = await importInto(storeHolding([]), tampered);
    assert.equal(error?.code, 'INTEGRITY');
    assert.match(error.message, /^the file's chain does not verify at position 4: /);
    assert.deepEqual(error.details, { globalPosition: 4, line: 4 });
    assert.deepEqual(accepted, [1, 2, 3]);
  });
});
