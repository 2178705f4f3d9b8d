/**
 * The one contract every EventStore adapter passes. Each adapter's *.int.spec.ts calls eventStoreContract()
 * with a harness that creates empty stores; the tests below never look at which adapter they run on, except
 * where an adapter cannot do something by design (PGlite is single-process), and then they say so.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { MAX_EVENT_BYTES } from '../../src/ledger/event-store.port';
import { iterateAll } from '../../src/ledger/iterate-all';
import type { OpenStoreOptions } from '../../src/ledger/open-event-store';
import type { SqlEventStore } from '../../src/ledger/sql/sql-event-store';
import { UpcasterRegistry } from '../../src/ledger/upcasters';
import type { WriterAck } from './fixtures/ledger-writer';
import { testEvent, testEvents } from './fixtures/test-events';

export interface StoreHarness {
  readonly name: string;
  /** Can several processes hold the same store open at once (PostgreSQL yes, embedded PGlite no). */
  readonly multiProcess: boolean;
  /** Location (URL or directory) of a new, empty store. */
  fresh(): Promise<string>;
  open(location: string, options?: OpenStoreOptions): Promise<SqlEventStore>;
  /**
   * Why the tests that reach behind the store through SQL (forged rows, triggers, one-trip COPY) do not apply,
   * for a store that is not SQL (KurrentDB); unset for the SQL stores, which run them all.
   */
  readonly withoutSql?: string;
  /** Runs after all tests (stops servers, removes directories). */
  dispose(): Promise<void>;
}

const WRITER = join(__dirname, 'fixtures', 'ledger-writer.js');

export async function expectLedgerError(promise: Promise<unknown>, code: string): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LedgerError, `expected a LedgerError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    assert.ok(error.hint && error.hint.length > 10, 'every LedgerError says what to do');
    return error;
  }
  assert.fail(`expected LedgerError ${code}, but the call succeeded`);
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type WriterMessage = WriterAck | { kind: 'ready' } | { kind: 'done'; conflicts: number } | { kind: 'error'; message: string; code?: string };

interface Writer {
  readonly acks: WriterAck[];
  readonly messages: WriterMessage[];
  readonly ready: Promise<void>;
  /** Resolves at the first acknowledged append (the writer has provably committed), or when the writer exits. */
  readonly firstAck: Promise<void>;
  readonly exited: Promise<string>;
  readonly kill: () => void;
}

/** Forks a writer and collects what it reports; `exited` resolves with the exit code or signal. */
function startWriter(args: string[]): Writer {
  const child = fork(WRITER, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const acks: WriterAck[] = [];
  const messages: WriterMessage[] = [];
  let markReady!: () => void;
  let markAcked!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const firstAck = new Promise<void>((resolve) => { markAcked = resolve; });
  child.on('message', (m: WriterMessage) => {
    messages.push(m);
    if (m.kind === 'ack') { acks.push(m); markAcked(); }
    if (m.kind === 'ready') markReady();
  });
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => { markReady(); markAcked(); resolve(signal ?? String(code)); }));
  return { acks, messages, ready, firstAck, exited, kill: () => child.kill('SIGKILL') };
}

/** Waits for every writer's first acknowledged append; a writer that never gets one in `timeoutMs` fails the test by name. */
async function untilEachAcked(writers: readonly Writer[], names: readonly string[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledged append within ${timeoutMs} ms from ${
      names.filter((_n, i) => writers[i]!.acks.length === 0).join(', ')}: ${JSON.stringify(writers.flatMap((w) => w.messages.filter((m) => m.kind !== 'ack')))}`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all(writers.map((w) => w.firstAck)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stream versions contiguous from 0, positions strictly increasing and contiguous, chain intact. */
async function assertLogInvariants(store: SqlEventStore): Promise<RecordedEvent[]> {
  const all = await store.readAll();
  const versions = new Map<string, number>();
  all.forEach((e, i) => {
    assert.equal(e.globalPosition, i + 1, 'global positions are contiguous from 1');
    const last = versions.get(e.streamId) ?? -1;
    assert.equal(e.streamVersion, last + 1, `stream ${e.streamId} has no version holes`);
    versions.set(e.streamId, e.streamVersion);
  });
  const verified = await store.verify();
  assert.equal(verified.ok, true, `chain verifies: ${JSON.stringify(verified.firstBreak)}`);
  return all;
}

export function eventStoreContract(harness: StoreHarness): void {
  describe(`EventStore contract: ${harness.name}`, () => {
    let shared: SqlEventStore;
    before(async () => { shared = await harness.open(await harness.fresh()); });
    after(async () => { await shared?.close(); await harness.dispose(); });
    let streamCounter = 0;
    const newStream = (prefix = 'contract'): string => `${prefix}-${process.pid}-${streamCounter++}`;

    describe('expected versions', () => {
      it('no_stream: succeeds on a new stream, conflicts on an existing one naming stream, expected and actual', async () => {
        const s = newStream();
        const first = await shared.append(s, testEvents(2), 'no_stream');
        assert.equal(first.lastStreamVersion, 1);
        assert.equal(first.written, true);
        const headBefore = await shared.head();
        const error = await expectLedgerError(shared.append(s, testEvents(1), 'no_stream'), 'CONFLICT');
        assert.deepEqual(error.details, { streamId: s, expected: 'no_stream', actual: 1 });
        assert.equal(await shared.head(), headBefore, 'nothing written on conflict');
      });

      it('stream_exists: conflicts on a missing stream, succeeds on an existing one', async () => {
        const s = newStream();
        const error = await expectLedgerError(shared.append(s, testEvents(1), 'stream_exists'), 'CONFLICT');
        assert.deepEqual(error.details, { streamId: s, expected: 'stream_exists', actual: 'no_stream' });
        await shared.append(s, testEvents(1), 'no_stream');
        const r = await shared.append(s, testEvents(3), 'stream_exists');
        assert.equal(r.lastStreamVersion, 3);
      });

      it('exact version: succeeds at the current version, conflicts at any other', async () => {
        const s = newStream();
        await shared.append(s, testEvents(3), -1);
        const r = await shared.append(s, testEvents(1), 2);
        assert.equal(r.lastStreamVersion, 3);
        for (const wrong of [2, 4, 0]) {
          const error = await expectLedgerError(shared.append(s, testEvents(1), wrong), 'CONFLICT');
          assert.deepEqual(error.details, { streamId: s, expected: wrong, actual: 3 });
        }
        assert.equal((await shared.readStream(s)).length, 4);
      });

      it('any: always appends at the end', async () => {
        const s = newStream();
        assert.equal((await shared.append(s, testEvents(1), 'any')).lastStreamVersion, 0);
        assert.equal((await shared.append(s, testEvents(2), 'any')).lastStreamVersion, 2);
      });
    });

    describe('idempotency', () => {
      it('re-sending the same batch returns the first result and writes nothing', async () => {
        const s = newStream();
        const batch = testEvents(3);
        const first = await shared.append(s, batch, 'no_stream');
        await shared.append(newStream(), testEvents(2), 'any'); // something in between
        const headBefore = await shared.head();
        const again = await shared.append(s, batch, 'no_stream');
        assert.deepEqual(again, { ...first, written: false });
        assert.equal(await shared.head(), headBefore);
        assert.equal((await shared.readStream(s)).length, 3);
      });

      it('the same id with different content is refused and nothing is written', async () => {
        const s = newStream();
        const event = testEvent('Original', { v: 1 });
        await shared.append(s, [event], 'no_stream');
        const headBefore = await shared.head();
        const error = await expectLedgerError(shared.append(s, [{ ...event, data: { v: 2 } }], 'any'), 'CONFLICT');
        assert.equal(error.details?.eventId, event.eventId);
        await expectLedgerError(shared.append(newStream(), [event], 'any'), 'CONFLICT');
        await expectLedgerError(shared.append(s, [event, testEvent()], 'any'), 'CONFLICT');
        assert.equal(await shared.head(), headBefore);
      });
    });

    describe('reads', () => {
      it('readStream, readAll(after, upTo, types, limit) and head agree', async () => {
        const store = await harness.open(await harness.fresh());
        try {
          assert.equal(await store.head(), 0);
          assert.deepEqual(await store.readAll(), []);
          const a = newStream();
          const b = newStream();
          await store.append(a, [testEvent('A', { i: 0 }), testEvent('B', { i: 1 })], 'no_stream');
          await store.append(b, [testEvent('A', { i: 2 })], 'no_stream');
          await store.append(a, [testEvent('C', { i: 3 }), testEvent('A', { i: 4 })], 1);
          assert.equal(await store.head(), 5);
          assert.deepEqual((await store.readStream(a)).map((e) => e.streamVersion), [0, 1, 2, 3]);
          assert.deepEqual((await store.readStream(a, { from: 1, to: 2 })).map((e) => e.type), ['B', 'C']);
          assert.deepEqual(await store.readStream('no-such-stream'), []);
          assert.deepEqual((await store.readAll({ after: 1, upTo: 4 })).map((e) => e.globalPosition), [2, 3, 4]);
          assert.deepEqual((await store.readAll({ types: ['A'] })).map((e) => (e.data as { i: number }).i), [0, 2, 4]);
          assert.deepEqual((await store.readAll({ after: 2, limit: 2 })).map((e) => e.globalPosition), [3, 4]);
          const paged: number[] = [];
          for await (const e of iterateAll(store, { after: 0 }, 2)) paged.push(e.globalPosition);
          assert.deepEqual(paged, [1, 2, 3, 4, 5]);
          const [first] = await store.readAll({ limit: 1 });
          assert.equal(first?.prevHash, '0'.repeat(64));
          assert.match(first?.hash ?? '', /^[0-9a-f]{64}$/);
          assert.equal(first?.metadata.actor, 'contract-test');
        } finally {
          await store.close();
        }
      });

      it('upcasters lift old schema versions on read; the stored event and its hash are unchanged', async () => {
        const location = await harness.fresh();
        const plain = await harness.open(location);
        const s = newStream();
        await plain.append(s, [testEvent('Renamed', { old: 'x' })], 'no_stream');
        await plain.close();
        const upcasters = new UpcasterRegistry().register('Renamed', 1, (e) => ({
          ...e, schemaVersion: 2, data: { renamed: (e.data as { old: string }).old },
        }));
        const store = await harness.open(location, { upcasters });
        try {
          const [read] = await store.readStream(s);
          assert.equal(read?.schemaVersion, 2);
          assert.deepEqual(read?.data, { renamed: 'x' });
          assert.deepEqual((await store.readAllRaw())[0]?.data, { old: 'x' });
          assert.equal((await store.verify()).ok, true);
        } finally {
          await store.close();
        }
      });

      it('awkward JSON (unicode, floats, big and tiny numbers, nesting, nulls) reads back equal and still verifies', async () => {
        const store = await harness.open(await harness.fresh());
        try {
          const data = {
            text: 'naïve – 日本語 – 🧪 "quoted" \\ back\nslash\ttab\r\\t\\n',  floats: [0.1 + 0.2, -0, 1e21, 5e-324, 1.7976931348623157e308],
            big: 9007199254740993, nested: { z: [[], {}, [null, true, false]], a: { deeper: { deepest: 'x' } } }, none: null,
            dropped: undefined, when: new Date('2026-01-02T03:04:05.000Z'),
          };
          // The second and third appends take the one-trip path where the adapter has one (COPY's text format):
          // tabs, newlines, backslashes and quotes in data and stream ids must survive it.
          const streams = ['awkward', "awk'ward\\stream \"2\"", 'awkward\\t'];
          for (const stream of streams) await store.append(stream, [testEvent('Awkward\\Type', data)], 'any');
          for (const stream of streams) {
            const [read] = await store.readStream(stream);
            assert.equal(read?.streamId, stream);
            assert.equal(read?.type, 'Awkward\\Type');
            assert.deepEqual(read?.data, JSON.parse(JSON.stringify(data)), 'data comes back as its JSON');
          }
          if (!harness.withoutSql) assert.equal(store.appendPaths.oneTrip > 0, store.client.copyIn !== undefined, 'the server adapter appends in one trip');
          assert.equal((await store.verify()).ok, true);
        } finally {
          await store.close();
        }
      });

      it('snapshots: the latest at or before a position, per projection version', async () => {
        if ((await shared.head()) < 20) await shared.append(newStream(), testEvents(20), 'no_stream');
        await expectLedgerError(shared.saveSnapshot({ projection: 'p', projectionVersion: 'v1', position: (await shared.head()) + 1, state: {} }),
          'BAD_INPUT');
        await shared.saveSnapshot({ projection: 'p', projectionVersion: 'v1', position: 10, state: { n: 10 } });
        await shared.saveSnapshot({ projection: 'p', projectionVersion: 'v1', position: 20, state: { n: 20 } });
        await shared.saveSnapshot({ projection: 'p', projectionVersion: 'v2', position: 15, state: { n: 15 } });
        assert.deepEqual(await shared.loadSnapshot('p', 'v1', 19), { projection: 'p', projectionVersion: 'v1', position: 10, state: { n: 10 } });
        assert.equal((await shared.loadSnapshot('p', 'v1', 25))?.position, 20);
        assert.equal(await shared.loadSnapshot('p', 'v1', 9), null);
        assert.equal((await shared.loadSnapshot('p', 'v2', 100))?.position, 15);
      });

      it('pruneSnapshots keeps the latest n per projection version and leaves other projections alone', async () => {
        for (const position of [1, 2, 3, 4]) {
          await shared.saveSnapshot({ projection: 'prune', projectionVersion: 'v1', position, state: { position } });
        }
        await shared.saveSnapshot({ projection: 'prune', projectionVersion: 'v2', position: 2, state: {} });
        await shared.saveSnapshot({ projection: 'prune-other', projectionVersion: 'v1', position: 1, state: {} });
        assert.equal(await shared.pruneSnapshots('prune', 2), 2);
        assert.equal((await shared.loadSnapshot('prune', 'v1', 2)), null, 'positions 1 and 2 are gone');
        assert.equal((await shared.loadSnapshot('prune', 'v1', 3))?.position, 3);
        assert.equal((await shared.loadSnapshot('prune', 'v1', 100))?.position, 4);
        assert.equal((await shared.loadSnapshot('prune', 'v2', 100))?.position, 2, 'each version keeps its own latest');
        assert.equal((await shared.loadSnapshot('prune-other', 'v1', 100))?.position, 1, 'other projections untouched');
        assert.equal(await shared.pruneSnapshots('prune', 2), 0, 'pruning again deletes nothing');
        assert.equal(await shared.pruneSnapshots('prune', 0), 3);
        assert.equal(await shared.loadSnapshot('prune', 'v1', 100), null);
        await expectLedgerError(shared.pruneSnapshots('prune', -1), 'BAD_INPUT');
      });
    });

    describe('bad input', () => {
      it('malformed envelopes are BAD_INPUT, oversized events TOO_LARGE; nothing is written and the store stays usable', async () => {
        const s = newStream();
        const headBefore = await shared.head();
        const good = testEvent();
        await expectLedgerError(shared.append(s, [], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [{ ...good, eventId: 'not-a-uuid' }], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [{ ...good, type: '' }], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [{ ...good, schemaVersion: 0 }], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [{ ...good, data: undefined }], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [{ ...good, metadata: { ...good.metadata, recordedAt: 'yesterday' } }], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [{ ...good, metadata: { ...good.metadata, actor: '' } }], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [good, good], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append('', [good], 'any'), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [good], 'latest' as never), 'BAD_INPUT');
        await expectLedgerError(shared.append(s, [testEvent('T', { text: 'nul \u0000 byte' })], 'any'), 'BAD_INPUT');
        const big = await expectLedgerError(
          shared.append(s, [testEvent('Big', { blob: 'x'.repeat(MAX_EVENT_BYTES) })], 'any'), 'TOO_LARGE');
        assert.equal(big.details?.limit, MAX_EVENT_BYTES);
        assert.equal(await shared.head(), headBefore, 'nothing written');
        const ok = await shared.append(s, [good], 'no_stream');
        assert.equal(ok.lastStreamVersion, 0, 'the store stays usable');
      });
    });

    describe('subscriptions', () => {
      it('catch-up, then live, then restart from the stored checkpoint without missing an event', async () => {
        const location = await harness.fresh();
        let store = await harness.open(location);
        try {
          const s = newStream();
          await store.append(s, testEvents(30), 'no_stream');
          const seen: number[] = [];
          let failOnce = true;
          const sub = store.subscribe('contract-sub', async (e) => {
            // One failure mid-way: the event must be retried, never skipped.
            if (e.globalPosition === 12 && failOnce) { failOnce = false; throw new Error('transient'); }
            seen.push(e.globalPosition);
          }, { pollIntervalMs: 20 });
          await sub.caughtUp;
          await waitFor(() => seen.length >= 30, 20_000, 'catch-up');
          await store.append(s, testEvents(10), 29);
          await waitFor(() => seen.length >= 40, 20_000, 'live events');
          await sub.stop();
          assert.equal(await store.loadCheckpoint('contract-sub'), 40);
          await store.append(s, testEvents(5), 39);
          // A restart: the store is closed and opened again; only the stored checkpoint carries over.
          await store.close();
          store = await harness.open(location);
          const afterRestart: number[] = [];
          const again = store.subscribe('contract-sub', async (e) => { afterRestart.push(e.globalPosition); }, { pollIntervalMs: 20 });
          await again.caughtUp;
          await again.stop();
          assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => i + 1));
          assert.deepEqual(afterRestart, [41, 42, 43, 44, 45]);
        } finally {
          await store.close();
        }
      });

      it('a live subscription wakes on an append (LISTEN/NOTIFY), not at its next poll', async () => {
        const s = newStream();
        const seen: string[] = [];
        // A poll interval no test waits for: only the append's notification can deliver the event in time.
        const sub = shared.subscribe(`notify-${s}`, async (e) => { if (e.streamId === s) seen.push(e.eventId); },
          { pollIntervalMs: 600_000 });
        try {
          await sub.caughtUp;
          const event = testEvent('Notified');
          await shared.append(s, [event], 'no_stream');
          await waitFor(() => seen.length === 1, 10_000, 'woken by the notification');
          assert.deepEqual(seen, [event.eventId]);
        } finally {
          await sub.stop();
        }
      });

      it('a type-filtered subscription sees only its types and still advances its checkpoint past others', async () => {
        const s = newStream();
        const headBefore = await shared.head();
        await shared.append(s, [testEvent('Wanted'), testEvent('Other'), testEvent('Wanted')], 'no_stream');
        const seen: string[] = [];
        const sub = shared.subscribe(`filtered-${s}`, async (e) => { if (e.globalPosition > headBefore) seen.push(e.type); },
          { types: ['Wanted'], pollIntervalMs: 20 });
        await sub.caughtUp;
        await sub.stop();
        assert.deepEqual(seen, ['Wanted', 'Wanted']);
        assert.ok((await shared.loadCheckpoint(`filtered-${s}`)) >= headBefore + 3);
      });
    });

    describe('tamper evidence', { skip: harness.withoutSql }, () => {
      it('UPDATE and DELETE are refused by the database; a row changed behind the trigger is found by verify', async () => {
        const store = await harness.open(await harness.fresh());
        try {
          await store.append(newStream(), testEvents(5), 'no_stream');
          await store.append(newStream(), testEvents(5), 'no_stream');
          await assert.rejects(store.client.query("update ledger_events set data = '{\"n\":2}' where global_position = 3"), /append-only/);
          await assert.rejects(store.client.query('delete from ledger_events where global_position = 3'), /append-only/);
          assert.equal((await store.verify()).ok, true);
          await store.client.exec('alter table ledger_events disable trigger ledger_events_append_only');
          await store.client.query(`update ledger_events set data = '{"i": 99}' where global_position = 7`);
          await store.client.exec('alter table ledger_events enable trigger ledger_events_append_only');
          const result = await store.verify();
          assert.equal(result.ok, false);
          assert.equal(result.firstBreak?.position, 7);
          assert.match(result.firstBreak?.reason ?? '', /hash/);
        } finally {
          await store.close();
        }
      });
    });

    describe('a store that never serves a lie', { skip: harness.withoutSql }, () => {
      const forge = async (store: SqlEventStore, sql: string): Promise<void> => {
        await store.client.exec('alter table ledger_events disable trigger ledger_events_append_only');
        await store.client.query(sql);
        await store.client.exec('alter table ledger_events enable trigger ledger_events_append_only');
      };

      it('an event edited behind the trigger is served by readAll, readStream and iterate: each now refuses with INTEGRITY naming it', async () => {
        const location = await harness.fresh();
        const store = await harness.open(location);
        const stream = newStream();
        try {
          await store.append(stream, testEvents(4), 'no_stream');
          await store.append(newStream(), testEvents(3), 'no_stream');
          await forge(store, `update ledger_events set data = '{"forged":true}' where global_position = 3`);
        } finally {
          await store.close();
        }
        const reader = await harness.open(location);
        try {
          const noForged = (error: LedgerError): void => {
            assert.equal(error.details?.position, 3);
            assert.match(error.message, /position 3/);
            assert.match(error.hint ?? '', /events verify/);
          };
          noForged(await expectLedgerError(reader.readAll(), 'INTEGRITY'));
          noForged(await expectLedgerError(reader.readStream(stream), 'INTEGRITY'));
          noForged(await expectLedgerError(reader.readAll({ after: 2, limit: 1 }), 'INTEGRITY'));
          noForged(await expectLedgerError((async () => { for await (const e of iterateAll(reader, {}, 2)) void e; })(), 'INTEGRITY'));
          noForged(await expectLedgerError(reader.readAllRaw(), 'INTEGRITY'));
          // Events around it still read; nothing returned carries the forged value.
          assert.deepEqual((await reader.readAll({ upTo: 2 })).map((e) => e.globalPosition), [1, 2]);
          assert.deepEqual((await reader.readAll({ after: 3 })).map((e) => e.globalPosition), [4, 5, 6, 7]);
          assert.equal((await reader.verify()).firstBreak?.position, 3);
          noForged(await expectLedgerError(reader.verifySinceLastVerified(), 'INTEGRITY'));
        } finally {
          await reader.close();
        }
      });

      it('a re-hashed event (content and its hash rewritten) breaks the link its successor holds: reads refuse it', async () => {
        const location = await harness.fresh();
        const store = await harness.open(location);
        try {
          await store.append(newStream(), testEvents(4), 'no_stream');
          const [victim] = await store.readAll({ after: 1, limit: 1 });
          const { eventHash } = await import('../../src/ledger/hash-chain');
          const forgedHash = eventHash(victim!.prevHash, { ...victim!, data: { forged: true } });
          await forge(store, `update ledger_events set data = '{"forged":true}', hash = '${forgedHash}' where global_position = 2`);
        } finally {
          await store.close();
        }
        const reader = await harness.open(location);
        try {
          const error = await expectLedgerError(reader.readAll(), 'INTEGRITY');
          assert.equal(error.details?.position, 3, 'the successor names the broken link');
          assert.equal((await expectLedgerError(reader.verifySinceLastVerified(), 'INTEGRITY')).details?.position, 3);
        } finally {
          await reader.close();
        }
      });

      it('an append extends a chain whose head fails its hash: it is refused with INTEGRITY naming the head, nothing written', async () => {
        const location = await harness.fresh();
        const store = await harness.open(location);
        try {
          await store.append(newStream(), testEvents(3), 'no_stream');
          await forge(store, `update ledger_events set metadata = jsonb_set(metadata::jsonb, '{actor}', '"mallory"') where global_position = 3`);
        } finally {
          await store.close();
        }
        const writer = await harness.open(location);
        try {
          const error = await expectLedgerError(writer.append(newStream(), testEvents(1), 'no_stream'), 'INTEGRITY');
          assert.equal(error.details?.position, 3);
          assert.equal(await writer.head(), 3, 'nothing was appended');
        } finally {
          await writer.close();
        }
      });

      it('run/resume verification records the verified head, then checks only what is new, and refuses a log rewritten below it', async () => {
        const location = await harness.fresh();
        const store = await harness.open(location);
        try {
          await store.append(newStream(), testEvents(5), 'no_stream');
          assert.deepEqual(await store.verifySinceLastVerified(), { from: 0, head: 5, headHash: (await store.headAnchor()).hash, checked: 5 });
          await store.append(newStream(), testEvents(2), 'no_stream');
          const again = await store.verifySinceLastVerified();
          assert.deepEqual([again.from, again.head, again.checked], [5, 7, 2]);
          await forge(store, `update ledger_events set hash = '${'e'.repeat(64)}' where global_position = 7`);
          assert.equal((await expectLedgerError(store.verifySinceLastVerified(), 'INTEGRITY')).details?.position, 7);
        } finally {
          await store.close();
        }
      });

      it('a snapshot row edited behind the store is served by loadSnapshot: it is discarded, reported, and the next one down is used', async () => {
        const location = await harness.fresh();
        const warnings: string[] = [];
        const store = await harness.open(location);
        try {
          await store.append(newStream(), testEvents(6), 'no_stream');
          await store.saveSnapshot({ projection: 'forged', projectionVersion: 'v1', position: 2, state: { accuracy: 0.5, b: [1, { z: 1, a: 2 }] } });
          await store.saveSnapshot({ projection: 'forged', projectionVersion: 'v1', position: 5, state: { accuracy: 0.6, b: [] } });
          assert.deepEqual((await store.loadSnapshot('forged', 'v1', 6))?.state, { accuracy: 0.6, b: [] }, 'an intact snapshot loads');
          await store.client.query(`update ledger_snapshots set state = jsonb_set(state, '{accuracy}', '0.99') where projection = 'forged' and position = 5`);
          assert.equal((await store.verifyDerived(6)).snapshots.failures[0]?.position, 5);
        } finally {
          await store.close();
        }
        const reader = await harness.open(location, { onIntegrityWarning: (m) => warnings.push(m) });
        try {
          const loaded = await reader.loadSnapshot('forged', 'v1', 6);
          assert.equal(loaded?.position, 2, 'the forged snapshot is never served');
          assert.deepEqual(loaded?.state, { accuracy: 0.5, b: [1, { z: 1, a: 2 }] });
          assert.equal(reader.integrity.snapshotsDiscarded, 1);
          assert.match(warnings.join('\n'), /forged \(v1\) at position 5: its content does not match its hash/);
          assert.equal((await reader.verifyDerived(6)).snapshots.failures.length, 0, 'the discarded row is gone');
          // A snapshot whose event was rewritten (chain hash) fails too; position 0 folds to genesis.
          await reader.saveSnapshot({ projection: 'forged', projectionVersion: 'v1', position: 0, state: {} });
          await reader.client.query(`update ledger_snapshots set chain_hash = '${'a'.repeat(64)}' where projection = 'forged' and position = 2`);
          assert.equal((await reader.loadSnapshot('forged', 'v1', 6))?.position, 0);
          assert.equal(reader.integrity.snapshotsDiscarded, 2);
        } finally {
          await reader.close();
        }
      });

      it('snapshots saved before schema version 2 (no hashes) cannot be checked: a migrated store discards them on load', async () => {
        const location = await harness.fresh();
        const store = await harness.open(location);
        try {
          await store.append(newStream(), testEvents(2), 'no_stream');
          // Back to schema version 1, as a store written by an older nas-ledger.
          await store.client.exec(`alter table ledger_snapshots drop column chain_hash; alter table ledger_snapshots drop column content_hash;
            drop table ledger_verified; delete from ledger_schema where version > 1`);
          await store.client.query(`insert into ledger_snapshots (projection, projection_version, position, state) values ('old', 'v1', 2, '{"n":1}')`);
        } finally {
          await store.close();
        }
        const migrated = await harness.open(location, { onIntegrityWarning: () => undefined });
        try {
          const [version] = await migrated.client.query<{ v: number }>('select max(version) as v from ledger_schema');
          assert.equal(version?.v, 2);
          assert.equal((await migrated.verifyDerived(2)).snapshots.failures[0]?.reason.includes('without hashes'), true);
          assert.equal(await migrated.loadSnapshot('old', 'v1', 2), null);
          assert.equal(migrated.integrity.snapshotsDiscarded, 1);
          assert.equal((await migrated.verifySinceLastVerified()).head, 2);
        } finally {
          await migrated.close();
        }
      });

      it('a checked read hashes each event on the text its json columns hold: an intact store re-serializes nothing', async () => {
        const location = await harness.fresh();
        const stream = newStream();
        const odd = [testEvent('T', { z: 1, a: 'é😀 "q" \\ \n', n: [1, { b: 2.5, a: -0 }], e: {} }), testEvent('T', null),
          testEvent('T', 'text'), testEvent('T', [3, 2, 1]), ...testEvents(3)];
        const store = await harness.open(location);
        try {
          await store.append(stream, odd, 'no_stream');
          await store.append(newStream(), testEvents(4), 'no_stream');
        } finally {
          await store.close();
        }
        const reader = await harness.open(location);
        try {
          const all = await reader.readAll();
          assert.equal(all.length, 11);
          assert.equal(reader.eventsHashedOnRead, 11);
          assert.equal(reader.eventsHashedFromParsedOnRead, 0, 'every event matched its hash on its stored text');
          assert.deepEqual(all.slice(0, 7).map((e) => e.data), odd.map((e) => JSON.parse(JSON.stringify(e.data)) as unknown));
          assert.deepEqual(Object.keys(all[0]!), ['eventId', 'type', 'schemaVersion', 'data', 'metadata', 'streamId', 'streamVersion',
            'globalPosition', 'hash', 'prevHash'], 'events keep the key order export writes');
          assert.deepEqual(await reader.readStream(stream), all.slice(0, 7), 'readStream serves the same events');
          assert.equal((await reader.verify()).ok, true);
        } finally {
          await reader.close();
        }
      });

      it('a row whose json text has other spacing than the hashed text (same content) is hashed from its parsed values and served, not refused', async () => {
        const location = await harness.fresh();
        const store = await harness.open(location);
        try {
          await store.append(newStream(), testEvents(4), 'no_stream');
          // jsonb prints its own spacing: {"i": 1} where {"i":1} was hashed.
          await forge(store, 'update ledger_events set data = (data::jsonb)::text::json where global_position = 2');
          const [row] = await store.client.query<{ t: string }>('select data::text as t from ledger_events where global_position = 2');
          assert.equal(row?.t, '{"i": 1}');
        } finally {
          await store.close();
        }
        const reader = await harness.open(location);
        try {
          const all = await reader.readAll();
          assert.deepEqual(all.map((e) => e.data), [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
          assert.equal(reader.eventsHashedFromParsedOnRead, 1, 'only the re-spaced row was hashed from its parsed values');
          assert.equal((await reader.verify()).ok, true);
        } finally {
          await reader.close();
        }
      });

      it('a store created with jsonb columns (before 2026-11-23) still checks every read: hashed from parsed values, a forged event refused', async () => {
        const location = await harness.fresh();
        const stream = newStream();
        const store = await harness.open(location);
        try {
          await store.append(stream, [testEvent('T', { z: 1, a: [{ y: 2, b: 1 }] }), ...testEvents(3)], 'no_stream');
          await store.client.exec(`alter table ledger_events alter column data type jsonb using data::jsonb,
            alter column metadata type jsonb using metadata::jsonb`);
        } finally {
          await store.close();
        }
        const reader = await harness.open(location);
        try {
          assert.equal((await reader.readAll()).length, 4);
          assert.equal(reader.eventsHashedOnRead, 4);
          assert.equal(reader.eventsHashedFromParsedOnRead, 4, 'every event of a jsonb store is hashed from its parsed values');
          await reader.append(stream, testEvents(2), 3);
          await reader.append(stream, testEvents(1), 5);
          assert.deepEqual((await reader.readStream(stream)).map((e) => e.streamVersion), [0, 1, 2, 3, 4, 5, 6]);
          assert.equal((await reader.verify()).ok, true);
          await forge(reader, `update ledger_events set data = jsonb_set(data, '{i}', '99') where global_position = 3`);
        } finally {
          await reader.close();
        }
        const again = await harness.open(location);
        try {
          assert.equal((await expectLedgerError(again.readAll(), 'INTEGRITY')).details?.position, 3);
          assert.deepEqual((await again.readAll({ after: 3 })).map((e) => e.globalPosition), [4, 5, 6, 7]);
        } finally {
          await again.close();
        }
      });
    });

    describe('export, import, verify', () => {
      it('round trip keeps ids, positions and hashes; refuses broken chains and stores it does not continue', async () => {
        const source = await harness.open(await harness.fresh());
        const target = await harness.open(await harness.fresh());
        const other = await harness.open(await harness.fresh());
        try {
          for (let i = 0; i < 5; i++) await source.append(newStream(), testEvents(3), 'no_stream');
          const exported = await source.readAllRaw();
          const firstHalf = exported.slice(0, 7);
          assert.deepEqual(await target.importEvents(firstHalf), { imported: 7, alreadyPresent: 0, head: 7 });
          assert.deepEqual(await target.importEvents(exported), { imported: 8, alreadyPresent: 7, head: 15 });
          assert.deepEqual(await target.readAllRaw(), exported);
          assert.equal((await target.verify()).ok, true);
          assert.deepEqual(await target.importEvents(exported), { imported: 0, alreadyPresent: 15, head: 15 });
          // The imported store keeps working: the next append continues the chain.
          await target.append(newStream(), testEvents(1), 'no_stream');
          assert.equal((await target.verify()).ok, true);

          const tampered = exported.map((e) => (e.globalPosition === 5 ? { ...e, data: { forged: true } } : e));
          const broken = await expectLedgerError(other.importEvents(tampered), 'INTEGRITY');
          assert.equal(broken.details?.globalPosition, 5);
          assert.equal(await other.head(), 0, 'a refused import writes nothing');
          const gap = exported.filter((e) => e.globalPosition !== 9);
          await expectLedgerError(other.importEvents(gap), 'INTEGRITY');
          await other.append(newStream(), testEvents(2), 'no_stream');
          await expectLedgerError(other.importEvents(exported), 'REFUSED');
          await expectLedgerError(other.importEvents(exported.slice(2)), 'REFUSED');
          assert.equal(await other.head(), 2);
          const unknown = await expectLedgerError(target.importEvents([...exported],
            { rejectEvent: (e) => (e.globalPosition === 3 ? 'unknown type' : null) }), 'BAD_INPUT');
          assert.equal(unknown.details?.globalPosition, 3);
        } finally {
          await Promise.all([source.close(), target.close(), other.close()]);
        }
      });
    });

    describe('concurrency', () => {
      it('concurrent writers on one stream and on many: contiguous versions, one winner per version, strictly increasing positions', async () => {
        const location = await harness.fresh();
        const writers = 4;
        const perWriter = 25;
        const one = ['contended-one'];
        const many = ['contended-a', 'contended-b', 'contended-c'];
        let acks: WriterAck[];
        if (harness.multiProcess) {
          const procs = [
            ...Array.from({ length: writers }, (_, w) => startWriter(['contend', location, `one-${w}`, one.join(','), String(perWriter)])),
            ...Array.from({ length: writers }, (_, w) => startWriter(['contend', location, `many-${w}`, many.join(','), String(perWriter)])),
          ];
          const exits = await Promise.all(procs.map((p) => p.exited));
          const errors = procs.flatMap((p) => p.messages.filter((m) => m.kind === 'error'));
          assert.deepEqual(errors, []);
          assert.deepEqual(exits, procs.map(() => '0'));
          acks = procs.flatMap((p) => p.acks);
        } else {
          // One process owns the embedded store; its concurrency is many async writers sharing that process.
          acks = await contendInProcess(harness, location, [one, many], writers, perWriter);
        }
        const store = await harness.open(location);
        try {
          const all = await assertLogInvariants(store);
          assert.equal(all.length, 2 * writers * perWriter, 'every acknowledged event is there, and nothing else');
          assert.equal(acks.length, all.length);
          const byId = new Map(all.map((e) => [e.eventId, e]));
          for (const ack of acks) {
            const e = byId.get(ack.eventIds[0]!);
            assert.ok(e, 'acknowledged event present');
            assert.equal(e.globalPosition, ack.lastPosition);
            assert.equal(e.streamVersion, ack.lastVersion);
          }
          const oneStream = all.filter((e) => e.streamId === 'contended-one');
          assert.equal(new Set(oneStream.map((e) => e.streamVersion)).size, writers * perWriter, 'one winner per version');
        } finally {
          await store.close();
        }
      });

      it('a writer whose view of the log went stale (another writer appended) still appends exactly where it should', async () => {
        const location = await harness.fresh();
        const a = await harness.open(location);
        // PGlite is single-process: there the interleaving is replayed on one store, which must give the same log.
        const b = harness.multiProcess ? await harness.open(location) : a;
        try {
          const early = testEvents(2);
          await a.append('stale-x', early, 'no_stream');
          await a.append('stale-y', testEvents(1), 'any');
          await b.append('stale-x', testEvents(3), 1);
          await b.append('stale-z', testEvents(2), 'no_stream');
          assert.equal((await a.append('stale-x', testEvents(1), 4)).lastStreamVersion, 5, 'stale guess for stream and head');
          assert.equal((await a.append('stale-y', testEvents(1), 'any')).firstGlobalPosition, 10);
          await b.append('stale-y', testEvents(1), 'any');
          const conflict = await expectLedgerError(a.append('stale-y', testEvents(1), 1), 'CONFLICT');
          assert.deepEqual(conflict.details, { streamId: 'stale-y', expected: 1, actual: 2 });
          const again = await a.append('stale-x', early, 'no_stream');
          assert.deepEqual(again, { streamId: 'stale-x', lastStreamVersion: 1, firstGlobalPosition: 1, lastGlobalPosition: 2, written: false });
          await a.append('stale-z', testEvents(1), 'stream_exists');
          // A writer that knows the head but not the stream, told a version ahead of it: no position or version
          // would collide, so only the guard (or the slow path) stands between it and a version hole.
          const c = harness.multiProcess ? await harness.open(location) : a;
          try {
            await c.append('stale-w', testEvents(1), 'no_stream');
            const ahead = await expectLedgerError(c.append('stale-x', testEvents(1), 7), 'CONFLICT');
            assert.deepEqual(ahead.details, { streamId: 'stale-x', expected: 7, actual: 5 });
          } finally {
            if (c !== a) await c.close();
          }
          const all = await assertLogInvariants(a);
          assert.deepEqual(all.map((e) => e.streamId),
            ['x', 'x', 'y', 'x', 'x', 'x', 'z', 'z', 'x', 'y', 'y', 'z', 'w'].map((s) => `stale-${s}`));
        } finally {
          if (b !== a) await b.close();
          await a.close();
        }
      });

      it('a concurrent reader never skips a committed event, even when a slow transaction commits after a faster one', async (t) => {
        if (!harness.multiProcess || harness.withoutSql) {
          t.skip(harness.withoutSql ?? 'the embedded store runs one transaction at a time in one process; no two appends can overlap');
          return;
        }
        const location = await harness.fresh();
        const writer = await harness.open(location);
        const slowWriter = await harness.open(location);
        const reader = await harness.open(location);
        try {
          await writer.append('warm-up', testEvents(1), 'no_stream');
          // Every 'Slow' insert sleeps inside its transaction, after its position has been assigned.
          await writer.client.exec(`
            create or replace function slow_insert() returns trigger language plpgsql as $$
            begin if new.type = 'Slow' then perform pg_sleep(0.8); end if; return new; end $$;
            create trigger slow_insert before insert on ledger_events for each row execute function slow_insert();`);
          let lastSeen = 0;
          const gaps: string[] = [];
          let reading = true;
          const readLoop = (async () => {
            while (reading) {
              const page = await reader.readAll({ after: lastSeen });
              for (const e of page) {
                if (e.globalPosition !== lastSeen + 1) gaps.push(`saw ${e.globalPosition} right after ${lastSeen}`);
                lastSeen = e.globalPosition;
              }
              await new Promise((r) => setTimeout(r, 5));
            }
          })();
          const slow = slowWriter.append('slow-stream', [testEvent('Slow')], 'any');
          // Start the fast appends only once the slow one sleeps inside its transaction (position already taken).
          const deadline = Date.now() + 15_000;
          while ((await reader.client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where wait_event = 'PgSleep' and datname = current_database()"))[0]?.n !== 1) {
            assert.ok(Date.now() < deadline, 'the slow append never reached its sleep');
            await new Promise((r) => setTimeout(r, 10));
          }
          const fast = await Promise.all(Array.from({ length: 3 }, (_, i) => writer.append(`fast-${i}`, [testEvent('Fast')], 'any')));
          const slowResult = await slow;
          await waitFor(() => lastSeen >= 5, 15_000, 'the reader to reach the head');
          reading = false;
          await readLoop;
          assert.deepEqual(gaps, []);
          assert.equal(lastSeen, 5);
          assert.equal(slowResult.firstGlobalPosition, 2, 'the slow append took its position first');
          assert.deepEqual(fast.map((r) => r.firstGlobalPosition).sort(), [3, 4, 5]);
        } finally {
          await Promise.all([writer.close(), slowWriter.close(), reader.close()]);
        }
      });
    });

    describe('crash safety', () => {
      it('kill -9 of writers at random points, repeated: acknowledged events survive, batches are all-or-nothing, no version holes', async () => {
        const location = await harness.fresh();
        const rounds = harness.multiProcess ? 4 : 3;
        const allAcks: WriterAck[] = [];
        for (let round = 0; round < rounds; round++) {
          const count = harness.multiProcess ? 3 : 1;
          const names = Array.from({ length: count }, (_, w) => `r${round}w${w}`);
          const procs = names.map((name) => startWriter(['crash', location, name, '3']));
          // The kill window is measured from the moment every writer has committed an append (its first ack), not
          // from the spawn: a loaded machine starts writers slowly, and a kill before the first commit proves nothing.
          // The wait is long because only a writer that never appends fails it; the kill point stays random.
          await untilEachAcked(procs, names, 120_000);
          await new Promise((r) => setTimeout(r, Math.random() * 500));
          for (const p of procs) p.kill();
          const exits = await Promise.all(procs.map((p) => p.exited));
          assert.deepEqual(exits, procs.map(() => 'SIGKILL'), `writers were killed, not finished: ${JSON.stringify(procs.flatMap((p) => p.messages.filter((m) => m.kind === 'error')))}`);
          procs.forEach((p, w) => assert.ok(p.acks.length > 0, `${names[w]} had appends acknowledged before it was killed`));
          allAcks.push(...procs.flatMap((p) => p.acks));
          const store = await harness.open(location);
          try {
            const all = await assertLogInvariants(store);
            const byId = new Map(all.map((e) => [e.eventId, e]));
            for (const ack of allAcks) for (const id of ack.eventIds) assert.ok(byId.has(id), `acknowledged event ${id} survived`);
            const batches = new Map<string, { size: number; seen: number }>();
            for (const e of all) {
              const d = e.data as { batchId: string; size: number };
              const b = batches.get(d.batchId) ?? { size: d.size, seen: 0 };
              b.seen++;
              batches.set(d.batchId, b);
            }
            for (const [id, b] of batches) assert.equal(b.seen, b.size, `batch ${id} is whole`);
          } finally {
            await store.close();
          }
        }
      });
    });
  });
}

/** In-process contention for single-process stores: the same optimistic loop as the writer processes. */
async function contendInProcess(harness: StoreHarness, location: string, streamSets: string[][], writers: number, perWriter: number): Promise<WriterAck[]> {
  const store = await harness.open(location);
  const acks: WriterAck[] = [];
  try {
    await Promise.all(streamSets.flatMap((streams, set) => Array.from({ length: writers }, async (_, w) => {
      const known = new Map<string, number>(streams.map((s) => [s, -1]));
      for (let i = 0; i < perWriter; i++) {
        const streamId = streams[i % streams.length]!;
        const event = testEvent('Contended', { set, w, i });
        for (;;) {
          try {
            const r = await store.append(streamId, [event], known.get(streamId)!);
            known.set(streamId, r.lastStreamVersion);
            acks.push({ kind: 'ack', streamId, eventIds: [event.eventId], firstPosition: r.firstGlobalPosition, lastPosition: r.lastGlobalPosition, lastVersion: r.lastStreamVersion });
            break;
          } catch (error) {
            if (!(error instanceof LedgerError) || error.code !== 'CONFLICT') throw error;
            const actual = error.details?.actual;
            known.set(streamId, actual === 'no_stream' ? -1 : Number(actual));
          }
        }
      }
    })));
  } finally {
    await store.close();
  }
  return acks;
}
