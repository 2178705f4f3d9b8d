/**
 * Issue 15, "a store that more than one process can read": while a process holds the embedded store, others read it
 * through its read socket. Here the holder and the reader share one process (the lock names this pid, so a second
 * open is LOCKED exactly as from another process); tests/cli/read-while-running.int.spec.ts does it across processes.
 */
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { PgliteClient } from '../../src/ledger/adapters/pglite-client';
import type { EventStore } from '../../src/ledger/event-store.port';
import { openEventStore, openSqlEventStore } from '../../src/ledger/open-event-store';
import { readsThroughSocket } from '../../src/ledger/read-socket/read-through-socket';
import { startReadSocketServer } from '../../src/ledger/read-socket/read-socket-server';
import { readSocketPath } from '../../src/ledger/read-socket/socket-path';
import { decodeLine, encodeLine, isReadStatement } from '../../src/ledger/read-socket/wire';
import type { SqlEventStore } from '../../src/ledger/sql/sql-event-store';
import { appendHistory, buildExperimentHistory } from '../support/ledger-fixtures';

const root = mkdtempSync(join(tmpdir(), 'nas-read-socket-'));
after(() => rmSync(root, { recursive: true, force: true }));

const code = (error: unknown): string | undefined => (error instanceof LedgerError ? error.code : undefined);

/** Sends one raw request line to a socket and returns the first reply line, decoded. */
function rawRequest(path: string, request: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        socket.destroy();
        resolve(decodeLine(text.slice(0, newline)) as Record<string, unknown>);
      }
    });
    socket.on('error', reject);
    socket.write(encodeLine(request));
  });
}

describe('the embedded store is LOCKED for every other process while one holds it', () => {
  const dir = join(root, 'held');
  let owner: SqlEventStore;
  let reader: EventStore;
  before(async () => {
    owner = await openSqlEventStore(dir);
    await appendHistory(owner, buildExperimentHistory({ cycles: 2, candidatesPerCycle: 3, seed: 7 }));
    reader = await openEventStore(dir, { forReading: true });
  });
  after(async () => {
    await reader?.close();
    await owner?.close();
  });

  it('a reader opens it through the read socket and reads exactly what the holder reads', async () => {
    assert.equal(readsThroughSocket(reader), true);
    assert.equal(readsThroughSocket(owner), false);
    assert.equal(await reader.head(), await owner.head());
    assert.deepEqual(await reader.readAll(), await owner.readAll());
    assert.deepEqual(await reader.readStream('experiment-exp-7'), await owner.readStream('experiment-exp-7'));
    assert.deepEqual(await reader.readAll({ after: 3, upTo: 9, types: ['CandidateEvaluated'] }),
      await owner.readAll({ after: 3, upTo: 9, types: ['CandidateEvaluated'] }));
  });

  it('the socket and its folder are owner-only (0600 in 0700)', () => {
    const path = readSocketPath(dir);
    assert.equal(statSync(path).isSocket(), true);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  });

  it('a writer still gets LOCKED, at open and when it appends through a reader', async () => {
    await assert.rejects(openEventStore(dir), (e) => code(e) === 'LOCKED');
    const history = buildExperimentHistory({ cycles: 1, candidatesPerCycle: 1, seed: 8 });
    await assert.rejects(appendHistory(reader, history), (e) => code(e) === 'LOCKED' && /cannot write/.test((e as Error).message));
    await assert.rejects((reader as SqlEventStore).dropSnapshots([{ projection: 'p', projectionVersion: 'v', position: 1, reason: 'r' }]),
      (e) => code(e) === 'LOCKED');
    assert.equal((await owner.readAll()).some((e) => e.streamId.includes('exp-8')), false);
  });

  it('a reader follows appends live (the holder\'s NOTIFY reaches its subscriptions)', async () => {
    const seen: number[] = [];
    const subscription = reader.subscribe('live-reader', (event) => { seen.push(event.globalPosition); return Promise.resolve(); }, { pollIntervalMs: 60_000 });
    await subscription.caughtUp;
    const before = await owner.head();
    await appendHistory(owner, buildExperimentHistory({ cycles: 1, candidatesPerCycle: 1, seed: 9 }));
    const head = await owner.head();
    for (let i = 0; i < 100 && !seen.includes(head); i++) await new Promise((r) => setTimeout(r, 20));
    await subscription.stop();
    assert.ok(head > before);
    assert.ok(seen.includes(head), `the reader saw up to ${Math.max(...seen)}, the head is ${head}`);
  });

  it('the socket runs only SELECTs, each in a READ ONLY transaction that is rolled back', async () => {
    const path = readSocketPath(dir);
    const head = await owner.head();
    const refused = await rawRequest(path, { id: 1, sql: 'delete from ledger_events', params: [] });
    assert.equal((refused.error as { code: string }).code, 'REFUSED');
    const cte = await rawRequest(path, { id: 2, sql: 'with d as (delete from ledger_checkpoints returning 1) select count(*) from d', params: [] });
    assert.equal((cte.error as { code: string }).code, 'REFUSED');
    // Past the statement check, PostgreSQL itself refuses a write in the read-only transaction.
    await assert.rejects((owner.client as PgliteClient).readOnlyQuery('create table sneaky (a int)', []), (e) => (e as { code?: string }).code === '25006');
    // A session setting changed through the socket is undone with its transaction: the holder's session is untouched.
    const set = await rawRequest(path, { id: 3, sql: "select set_config('search_path', 'nowhere', false) as s", params: [] });
    assert.deepEqual(set.rows, [{ s: 'nowhere' }]);
    assert.deepEqual(await owner.client.query('show search_path'), [{ search_path: 'public' }]);
    assert.equal(await owner.head(), head);
    const notJson = await rawRequest(path, 'nonsense');
    assert.equal((notJson.error as { code: string }).code, 'BAD_INPUT');
  });
});

describe('a socket cannot serve a lie: the reader checks every event against its hash', () => {
  it('an event whose data a lying socket altered is refused with INTEGRITY', async () => {
    const honest = await openSqlEventStore(join(root, 'honest'));
    const liarDir = join(root, 'liar');
    const liarPath = join(liarDir, 'LOCK');
    rmSync(liarDir, { recursive: true, force: true });
    await appendHistory(honest, buildExperimentHistory({ cycles: 1, candidatesPerCycle: 3, seed: 11 }));
    // A directory whose lock names a live process (this one) and whose socket alters every accuracy it passes on.
    const client = honest.client as PgliteClient;
    mkdirSync(liarDir);
    writeFileSync(liarPath, JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString() }));
    const liar = await startReadSocketServer(liarDir, {
      listen: (channel, onNotify) => client.listen(channel, onNotify),
      readOnlyQuery: async (sql, params) => (await client.readOnlyQuery(sql, params)).map((row) => {
        const r = row as Record<string, unknown>;
        return typeof r.d === 'string' ? { ...r, d: r.d.replace(/"accuracy":[0-9.eE+-]+/g, '"accuracy":0.987654321') } : r;
      }),
    });
    assert.ok(liar);
    try {
      const reader = await openEventStore(liarDir, { forReading: true });
      try {
        await assert.rejects(reader.readAll({ types: ['CandidateEvaluated'] }),
          (e) => code(e) === 'INTEGRITY' && /does not match its hash/.test((e as Error).message));
      } finally {
        await reader.close();
      }
    } finally {
      await liar.close();
      await honest.close();
    }
  });
});

describe('a socket file left by a dead process', () => {
  it('is never waited on: with a live holder that does not answer on it, a reader gets LOCKED at once', async () => {
    const dir = join(root, 'stale');
    mkdirSync(join(dir, 'read-socket'), { recursive: true });
    writeFileSync(join(dir, 'LOCK'), JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString() }));
    // A plain file where the socket would be: what a killed holder leaves is a socket nobody listens on (ECONNREFUSED).
    writeFileSync(readSocketPath(dir), '');
    const started = Date.now();
    await assert.rejects(openEventStore(dir, { forReading: true }),
      (e) => code(e) === 'LOCKED' && /does not answer/.test((e as Error).message));
    assert.ok(Date.now() - started < 10_000);
    rmSync(join(dir, 'LOCK'));
    // Once the holder is gone, the next process takes the lock, replaces the left-over file with its own socket
    // and removes it when it closes.
    const store = await openEventStore(dir);
    assert.equal(statSync(readSocketPath(dir)).isSocket(), true);
    await store.close();
    assert.throws(() => statSync(readSocketPath(dir)), /ENOENT/);
  });

  it('a lock without a socket (a holder that serves no reads) is LOCKED, saying so', async () => {
    const dir = join(root, 'no-socket');
    mkdirSync(dir);
    writeFileSync(join(dir, 'LOCK'), JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString() }));
    await assert.rejects(openEventStore(dir, { forReading: true }), (e) => code(e) === 'LOCKED' && /serves no read socket/.test((e as Error).message));
  });
});

describe('the read socket\'s wire format', () => {
  it('keeps bigints and timestamps', () => {
    const value = { a: 9007199254740993n, t: new Date('2026-12-07T00:00:00.000Z'), s: 'x', n: [1, null] };
    assert.deepEqual(decodeLine(encodeLine(value)), value);
  });

  it('tells reads from writes', () => {
    for (const sql of ['select 1', '  WITH x as (select 1) select * from x', '/* c */ select max(global_position) from ledger_events']) {
      assert.equal(isReadStatement(sql), true, sql);
    }
    for (const sql of ['insert into t values (1)', 'update t set a = 1', 'with d as (delete from t returning 1) select * from d',
      'select * from t for update', 'create table t (a int)', 'vacuum', 'commit']) {
      assert.equal(isReadStatement(sql), false, sql);
    }
  });
});
