import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
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
