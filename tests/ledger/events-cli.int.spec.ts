import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { openSqlEventStore } from '../../src/ledger/open-event-store';
import { appendHistory, buildExperimentHistory } from '../support/ledger-fixtures';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import { testEvents } from './fixtures/test-events';

const CLI = join(__dirname, 'fixtures', 'cli.js');
const root = mkdtempSync(join(tmpdir(), 'nas-ledger-cli-'));
let template = '';
let counter = 0;

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NAS_LEDGER_STORE: '', ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function freshDir(): string {
  const dir = join(root, `store-${counter++}`);
  cpSync(template, dir, { recursive: true });
  return dir;
}

const lines = (text: string): RecordedEvent[] => text.trim().split('\n').map((l) => JSON.parse(l) as RecordedEvent);

describe('nas-ledger events verify | export | import', () => {
  let source = '';
  let exported = '';
  let eventCount = 0;
  let server: PostgresServer | null = null;

  before(async () => {
    template = join(root, 'template');
    await (await openSqlEventStore(template)).close();
    source = freshDir();
    const store = await openSqlEventStore(source);
    eventCount = await appendHistory(store, buildExperimentHistory({ cycles: 2, candidatesPerCycle: 4, seed: 7 }));
    await store.close();
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('verify reports an intact chain; export writes one RecordedEvent per line with positions and hashes', () => {
    const verify = cli(['events', 'verify', '--store', source, '--json']);
    assert.equal(verify.status, 0, verify.stderr);
    const result = JSON.parse(verify.stdout) as { ok: boolean; checked: number; head: number };
    assert.deepEqual([result.ok, result.checked, result.head], [true, eventCount, eventCount]);
    const exp = cli(['events', 'export', '--store', source]);
    assert.equal(exp.status, 0, exp.stderr);
    exported = exp.stdout;
    const events = lines(exported);
    assert.equal(events.length, eventCount);
    assert.deepEqual(events.map((e) => e.globalPosition), Array.from({ length: eventCount }, (_, i) => i + 1));
    assert.equal(events[0]!.type, 'ExperimentRegistered');
    assert.match(exp.stderr, new RegExp(`exported ${eventCount} event`));
  });

  it('import into an empty store, then export again: byte-identical; the store falls back to NAS_LEDGER_STORE', () => {
    const file = join(root, 'ledger.jsonl');
    writeFileSync(file, exported);
    const target = freshDir();
    const imp = cli(['events', 'import', file, '--json'], { NAS_LEDGER_STORE: target });
    assert.equal(imp.status, 0, imp.stderr);
    assert.deepEqual(JSON.parse(imp.stdout), { imported: eventCount, alreadyPresent: 0, head: eventCount });
    assert.equal(cli(['events', 'export', '--store', target]).stdout, exported);
    assert.equal(cli(['events', 'verify', '--store', `file:${target}`]).status, 0);
  });

  it('import refuses a tampered file, unknown event types, and a store it does not continue; nothing is written', async () => {
    const events = lines(exported);
    const tampered = events.map((e) => (e.globalPosition === 3 ? { ...e, data: { ...(e.data as object), forged: true } } : e));
    const tamperedFile = join(root, 'tampered.jsonl');
    writeFileSync(tamperedFile, tampered.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const empty = freshDir();
    const bad = cli(['events', 'import', tamperedFile, '--store', empty]);
    assert.equal(bad.status, 6, bad.stderr);
    assert.match(bad.stderr, /position 3/);
    assert.match(cli(['events', 'verify', '--store', empty]).stdout, /ok: 0 event/);

    const foreign = freshDir();
    const store = await openSqlEventStore(foreign);
    await store.append('test-stream', testEvents(2), 'no_stream');
    await store.close();
    const foreignFile = join(root, 'foreign.jsonl');
    writeFileSync(foreignFile, cli(['events', 'export', '--store', foreign]).stdout);
    const unknown = cli(['events', 'import', foreignFile, '--store', empty]);
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.match(unknown.stderr, /unknown event type "TestHappened"/);
    assert.match(unknown.stderr, /position 1/);

    const good = join(root, 'good.jsonl');
    writeFileSync(good, exported);
    const notContinued = cli(['events', 'import', good, '--store', foreign]);
    assert.equal(notContinued.status, 5, notContinued.stderr);
    assert.match(notContinued.stderr, /does not continue this store/);
    const missing = cli(['events', 'import', join(root, 'nope.jsonl'), '--store', empty]);
    assert.equal(missing.status, 3, missing.stderr);
  });

  it('verify names the first broken position of a row corrupted behind the trigger, exit status 6', async () => {
    const dir = freshDir();
    const file = join(root, 'to-corrupt.jsonl');
    writeFileSync(file, exported);
    assert.equal(cli(['events', 'import', file, '--store', dir]).status, 0);
    const store = await openSqlEventStore(dir);
    await store.client.exec('alter table ledger_events disable trigger ledger_events_append_only');
    await store.client.query(`update ledger_events set metadata = jsonb_set(metadata::jsonb, '{actor}', '"mallory"') where global_position = 4`);
    await store.client.exec('alter table ledger_events enable trigger ledger_events_append_only');
    await store.close();
    const verify = cli(['events', 'verify', '--store', dir]);
    assert.equal(verify.status, 6);
    assert.match(verify.stdout, /BROKEN at position 4/);
    assert.match(verify.stderr, /INTEGRITY/);
    const json = cli(['events', 'verify', '--store', dir, '--json']);
    assert.equal((JSON.parse(json.stdout) as { firstBreak: { position: number } }).firstBreak.position, 4);
  });

  it('a file from the embedded store imports into PostgreSQL and exports back identically', async () => {
    server = await startPostgres();
    const url = await server.createDatabase('ledger_cli');
    const file = join(root, 'to-pg.jsonl');
    writeFileSync(file, exported);
    const imp = cli(['events', 'import', file, '--store', url]);
    assert.equal(imp.status, 0, imp.stderr);
    assert.equal(cli(['events', 'verify', '--store', url]).status, 0);
    assert.equal(cli(['events', 'export', '--store', url]).stdout, readFileSync(file, 'utf8'));
  });

  it('an unknown store scheme is exit status 2 with the supported schemes', () => {
    const r = cli(['events', 'verify', '--store', 'mysql://localhost/x']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /postgres:\/\//);
  });
});
