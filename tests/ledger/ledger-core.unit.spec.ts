import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { canonicalJson, sha256Hex } from '../../domain/shared/canonical-json';
import { canonicalText } from '../../src/ledger/canonical-text';
import { ChainVerifier, eventHash, GENESIS_HASH } from '../../src/ledger/hash-chain';
import { resolveStoreLocation, STORE_ENV } from '../../src/ledger/open-event-store';
import { splitStatements } from '../../src/ledger/sql/sql-event-store';
import { SCHEMA_SQL } from '../../src/ledger/sql/schema';
import { UpcasterRegistry } from '../../src/ledger/upcasters';

function chain(count: number): RecordedEvent[] {
  let prevHash = GENESIS_HASH;
  return Array.from({ length: count }, (_, i) => {
    const content = {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'T', schemaVersion: 1, data: { i },
      metadata: { commandId: 'c', correlationId: 'c', causationId: null, actor: 'a', recordedAt: '2026-01-01T00:00:00.000Z' },
      streamId: `s-${i % 2}`, streamVersion: Math.floor(i / 2), globalPosition: i + 1,
    };
    const hash = eventHash(prevHash, content);
    const event = { ...content, hash, prevHash };
    prevHash = hash;
    return event;
  });
}

function firstBreak(events: RecordedEvent[]): number | null {
  const v = new ChainVerifier();
  for (const e of events) if (!v.check(e)) break;
  return v.firstBreak?.position ?? null;
}

describe('hash chain', () => {
  it('an intact chain verifies; any change names the first broken position', () => {
    const events = chain(6);
    assert.equal(firstBreak(events), null);
    const edited = events.map((e) => (e.globalPosition === 4 ? { ...e, data: { i: 99 } } : e));
    assert.equal(firstBreak(edited), 4);
    const relinked = events.map((e) => (e.globalPosition === 5 ? { ...e, prevHash: GENESIS_HASH } : e));
    assert.equal(firstBreak(relinked), 5);
    assert.equal(firstBreak(events.filter((e) => e.globalPosition !== 3)), 4, 'a missing position breaks the chain');
    const reordered = [events[0]!, events[2]!, events[1]!];
    assert.equal(firstBreak(reordered), 3);
  });

  it('the hash covers every envelope field that identifies the event', () => {
    const [e] = chain(1);
    for (const change of [{ streamId: 'other' }, { streamVersion: 7 }, { globalPosition: 9 }, { type: 'U' }, { schemaVersion: 2 },
      { metadata: { ...e!.metadata, actor: 'mallory' } }, { eventId: '00000000-0000-4000-8000-999999999999' }]) {
      assert.notEqual(eventHash(GENESIS_HASH, { ...e!, ...change }), e!.hash, JSON.stringify(change));
    }
  });
});

describe('canonical text', () => {
  const samples: unknown[] = [
    null, true, 0, -0, 1.5, 1e21, 5e-324, NaN, Infinity, 'naïve 🧪 "q" \\ \n \u2028', [], {}, [undefined, () => 1, null],
    { b: 1, a: { d: [3, { z: 1, y: undefined }], c: null }, '10': 'ten', '9': 'nine', '01': 'zero-one', '': 'empty' },
    { when: new Date('2026-01-02T03:04:05.000Z'), nested: { toJSON: () => ({ y: 2, x: 1 }) }, big: 9007199254740993 },
    Object.assign(Object.create({ inherited: 1 }), { own: 2 }), [new Number(3), new String('s'), new Boolean(false)],
    // Already-ascending key lists (taken as they are) next to ones that only look ordered, and keys that need quoting.
    { '1': 'a', '2': 'b', a: 1, b: { c: 1, d: 2 } }, { '2': 1, '10': 2, '9': 3 }, { '1': 1, '10': 2, A: 3, a: 4, 'a"b': 5, 'é': 6, 'a\nb': 7 },
  ];

  it('equals canonicalJson of the JSON round trip, for awkward values', () => {
    for (const value of samples) {
      assert.equal(canonicalText(value), canonicalJson(JSON.parse(JSON.stringify(value))), JSON.stringify(value));
    }
    assert.equal(canonicalText(undefined), undefined);
    assert.throws(() => canonicalText({ n: 10n }), TypeError);
  });

  it('eventHash is sha256(prevHash + canonicalJson(envelope fields))', () => {
    for (const data of samples) {
      const e = chain(1)[0]!;
      const fields = { ...e, data: JSON.parse(JSON.stringify({ wrapped: data })) as unknown };
      const expected = sha256Hex(GENESIS_HASH + canonicalJson({
        eventId: fields.eventId, type: fields.type, schemaVersion: fields.schemaVersion, data: fields.data, metadata: fields.metadata,
        streamId: fields.streamId, streamVersion: fields.streamVersion, globalPosition: fields.globalPosition,
      }));
      assert.equal(eventHash(GENESIS_HASH, fields), expected);
    }
  });
});

describe('store URLs', () => {
  it('resolves postgres URLs, file: URLs and paths; refuses other schemes', () => {
    const saved = process.env[STORE_ENV];
    try {
      delete process.env[STORE_ENV];
      assert.equal(resolveStoreLocation().kind, 'pglite');
      assert.match((resolveStoreLocation() as { directory: string }).directory, /\.nas-ledger$/);
      process.env[STORE_ENV] = 'postgresql://u@h/db';
      assert.deepEqual(resolveStoreLocation(), { kind: 'postgres', url: 'postgresql://u@h/db' });
      assert.deepEqual(resolveStoreLocation('postgres://u@h:5/db'), { kind: 'postgres', url: 'postgres://u@h:5/db' });
      assert.deepEqual(resolveStoreLocation('file:///tmp/x'), { kind: 'pglite', directory: '/tmp/x' });
      assert.deepEqual(resolveStoreLocation('file:/tmp/y'), { kind: 'pglite', directory: '/tmp/y' });
      assert.deepEqual(resolveStoreLocation('/tmp/z'), { kind: 'pglite', directory: '/tmp/z' });
      for (const bad of ['mysql://h/db', 'sqlite:ledger.db', 'http://x']) {
        assert.throws(() => resolveStoreLocation(bad), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
      }
    } finally {
      if (saved === undefined) delete process.env[STORE_ENV];
      else process.env[STORE_ENV] = saved;
    }
  });
});

describe('schema script', () => {
  it('splits on semicolons but keeps $$ function bodies whole', () => {
    const statements = splitStatements(SCHEMA_SQL);
    const fn = statements.find((s) => s.startsWith('create or replace function'));
    assert.ok(fn?.includes('raise exception') && fn.endsWith('$$'), fn);
    assert.ok(statements.some((s) => s.startsWith('create trigger ledger_events_append_only')));
  });
});

describe('upcasters', () => {
  it('lift one version at a time, refuse duplicates and upcasters that do not raise the version', () => {
    const [e] = chain(1);
    const registry = new UpcasterRegistry()
      .register('T', 1, (x) => ({ ...x, schemaVersion: 2, data: { ...(x.data as object), v2: true } }))
      .register('T', 2, (x) => ({ ...x, schemaVersion: 3, data: { ...(x.data as object), v3: true } }));
    const lifted = registry.apply(e!);
    assert.equal(lifted.schemaVersion, 3);
    assert.deepEqual(lifted.data, { i: 0, v2: true, v3: true });
    assert.deepEqual(e!.data, { i: 0 }, 'the recorded event is not mutated');
    assert.throws(() => registry.register('T', 1, (x) => x), (x: unknown) => x instanceof LedgerError && x.code === 'BAD_INPUT');
    const stuck = new UpcasterRegistry().register('T', 1, (x) => x);
    assert.throws(() => stuck.apply(e!), (x: unknown) => x instanceof LedgerError && x.code === 'INTERNAL');
  });
});
