/**
 * Issue 12, "a store that never serves a lie" and "anchors", through the real CLI on a small embedded store: one
 * sim run (completed) plus a seeded experiment left unfinished (for resume). Each spec is named after the problem.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { eventHash } from '../../src/ledger/hash-chain';
import { openSqlEventStore } from '../../src/ledger/open-event-store';
import { SnapshotMaintainer } from '../../src/queries/snapshot-maintainer';
import { buildExperimentHistory } from '../support/ledger-fixtures';
import { seedStore } from '../support/seeded-store';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'nas-ledger.js');
const root = mkdtempSync(join(tmpdir(), 'nas-ledger-integrity-'));
const base = join(root, 'base');
const FORGED = '0.987654321';
let counter = 0;

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NAS_LEDGER_STORE: '' }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copyOfBase(): string {
  const dir = join(root, `store-${counter++}`);
  cpSync(base, dir, { recursive: true });
  return dir;
}

async function sql<T>(dir: string, text: string): Promise<T[]> {
  const store = await openSqlEventStore(dir, { onIntegrityWarning: () => undefined });
  try {
    return await store.client.query<T>(text);
  } finally {
    await store.close();
  }
}

async function head(dir: string): Promise<number> {
  const [row] = await sql<{ p: number }>(dir, 'select max(global_position)::float8 as p from ledger_events');
  return row!.p;
}

/** run (a new experiment) and resume (the unfinished one) both refuse with exit 6 naming `position`; nothing is appended. */
async function assertRunAndResumeRefuse(dir: string, position: RegExp): Promise<void> {
  const before = await head(dir);
  const run = cli(['run', '--generator', 'sim', '--cycles', '1', '--candidates', '3', '--store', dir]);
  assert.equal(run.status, 6, run.stdout + run.stderr);
  assert.match(run.stderr, /INTEGRITY/);
  assert.match(run.stderr, position);
  const resume = cli(['resume', 'unfinished', '--store', dir]);
  assert.equal(resume.status, 6, resume.stdout + resume.stderr);
  assert.match(resume.stderr, position);
  assert.equal(await head(dir), before, 'nothing was appended');
}

let honestStats = '';
before(async () => {
  const run = cli(['run', '--generator', 'sim', '--cycles', '1', '--candidates', '3', '--store', base, '--id', 'honest']);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  await seedStore(base, [buildExperimentHistory({ cycles: 1, candidatesPerCycle: 2, seed: 3, experimentId: 'unfinished', complete: false })]);
  const store = await openSqlEventStore(base);
  try {
    assert.ok((await new SnapshotMaintainer(store).refreshAll()) > 0);
  } finally {
    await store.close();
  }
  const stats = cli(['stats', 'honest', '--store', base, '--json']);
  assert.equal(stats.status, 0, stats.stderr);
  honestStats = stats.stdout;
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('a store that never serves a lie (CLI, embedded store)', () => {


  it('a snapshot row edited behind the store is served by stats, passes events verify, and run/resume append on it', async () => {
    const dir = copyOfBase();
    const [forged] = await sql<{ position: number }>(dir, `update ledger_snapshots
      set state = regexp_replace(state::text, '"bestAccuracy": [0-9.]+', '"bestAccuracy": ${FORGED}', 'g')::jsonb
      where projection = 'cycle-statistics' and state::text ~ '"bestAccuracy": [0-9.]+' returning position::float8 as position`);
    assert.ok(forged, 'a cycle-statistics snapshot was edited');
    const verify = cli(['events', 'verify', '--store', dir, '--json']);
    assert.equal(verify.status, 6, verify.stderr);
    const result = JSON.parse(verify.stdout) as { ok: boolean; snapshots: { failures: Array<{ projection: string; position: number }> } };
    assert.equal(result.ok, false);
    assert.ok(result.snapshots.failures.some((f) => f.projection === 'cycle-statistics' && f.position === forged.position));
    assert.match(cli(['events', 'verify', '--store', dir]).stdout, /SNAPSHOT cycle-statistics .* at position \d+: its content does not match its hash/);
    await assertRunAndResumeRefuse(dir, /snapshot of cycle-statistics .* fails its hash/);

    const stats = cli(['stats', 'honest', '--store', dir, '--json']);
    assert.equal(stats.status, 0, stats.stderr);
    assert.doesNotMatch(stats.stdout, new RegExp(FORGED.replace('.', '\\.')));
    assert.deepEqual(JSON.parse(stats.stdout), JSON.parse(honestStats), 'stats rebuilt the view by replay');
    assert.match(stats.stderr, /discarded the snapshot of cycle-statistics/);
    // Snapshots are caches: once dropped, run appends again.
    cli(['events', 'verify', '--store', dir, '--drop-bad-snapshots']);
    assert.equal(cli(['events', 'verify', '--store', dir]).status, 0);
  });

  it("an event's data edited behind the trigger is served by every read, and run/resume keep appending on the broken chain", async () => {
    const dir = copyOfBase();
    await sql(dir, 'alter table ledger_events disable trigger ledger_events_append_only');
    const [forged] = await sql<{ position: number; candidate: string }>(dir, `update ledger_events set data = jsonb_set(data::jsonb, '{accuracy}', '${FORGED}')::json
      where global_position = (select min(global_position) from ledger_events where type = 'CandidateEvaluated')
      returning global_position::float8 as position, data->>'candidateId' as candidate`);
    await sql(dir, 'alter table ledger_events enable trigger ledger_events_append_only');
    assert.ok(forged, 'an evaluation was edited');
    const at = new RegExp(`position ${forged.position}\\b`);
    const verify = cli(['events', 'verify', '--store', dir]);
    assert.equal(verify.status, 6, verify.stderr);
    assert.match(verify.stdout, new RegExp(`BROKEN at position ${forged.position}:`));
    // A query either answers from a snapshot that checks (folded before the edit: the honest value) or refuses
    // with INTEGRITY naming the position; the forged value is never served.
    const refused: string[] = [];
    for (const query of [['stats', 'honest'], ['stats', 'honest', '--as-of-position', String(forged.position)], ['candidates', 'honest'],
      ['provenance', forged.candidate], ['events', 'export']]) {
      const r = cli([...query, '--store', dir, ...(query[0] === 'events' ? [] : ['--json'])]);
      assert.doesNotMatch(r.stdout, new RegExp(FORGED.replace('.', '\\.')), `${query.join(' ')} served the forged value`);
      if (r.status === 0) continue;
      assert.equal(r.status, 6, `${query.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, at);
      refused.push(query.join(' '));
    }
    assert.ok(refused.includes('events export') && refused.length >= 2, `refused: ${refused.join(', ')}`);
    assert.deepEqual(JSON.parse(cli(['stats', 'honest', '--store', dir, '--json']).stdout), JSON.parse(honestStats));
    await assertRunAndResumeRefuse(dir, at);
  });

  it('a corrupted page of an embedded store is INTEGRITY naming the file, not INTERNAL "a bug in nas-ledger"', async () => {
    const dir = copyOfBase();
    const [rel] = await sql<{ f: string }>(dir, "select pg_relation_filepath('ledger_events') as f");
    const file = join(dir, 'pgdata', rel!.f);
    // Every page's header, so that no full-page image a recovery may replay from the WAL repairs them all.
    const bytes = readFileSync(file);
    for (let page = 0; page < bytes.length; page += 8192) bytes.fill(0xff, page, page + 2000);
    writeFileSync(file, bytes);
    for (const args of [['events', 'verify'], ['stats', 'honest']]) {
      const r = cli([...args, '--store', dir]);
      assert.equal(r.status, 6, r.stderr);
      assert.match(r.stderr, /INTEGRITY: the store's data is damaged/);
      assert.ok(r.stderr.includes(file), r.stderr);
      assert.doesNotMatch(r.stderr, /bug in nas-ledger/);
    }
    const control = join(dir, 'pgdata', 'global', 'pg_control');
    writeFileSync(control, Buffer.alloc(512, 0xff));
    const r = cli(['events', 'verify', '--store', dir]);
    assert.equal(r.status, 6, r.stderr);
    assert.ok(r.stderr.includes(join(dir, 'pgdata')), r.stderr);
  });
});

describe('anchors', () => {
  it('a re-hashed export imports and verifies clean, but fails against an anchor taken before', async () => {
    const headJson = cli(['events', 'head', '--store', base, '--json']);
    assert.equal(headJson.status, 0, headJson.stderr);
    const anchor = JSON.parse(headJson.stdout) as { position: number; hash: string; store: string };
    assert.equal(anchor.position, await head(base));
    assert.match(anchor.hash, /^[0-9a-f]{64}$/);
    assert.equal(cli(['events', 'head', '--store', base]).stdout.trim(), `${anchor.hash}@${anchor.position}`);
    const anchorFile = join(root, 'anchor.json');
    writeFileSync(anchorFile, headJson.stdout);
    assert.equal(cli(['events', 'verify', '--store', base, '--anchor', anchorFile]).status, 0);

    // Forge an accuracy and re-hash the chain from there on: the file is self-consistent.
    const events = cli(['events', 'export', '--store', base]).stdout.trim().split('\n').map((l) => JSON.parse(l) as RecordedEvent);
    const target = events.findIndex((e) => e.type === 'CandidateEvaluated');
    let prevHash = events[target - 1]!.hash;
    const rehashed = events.map((e, i) => {
      if (i < target) return e;
      const data = i === target ? { ...(e.data as object), accuracy: Number(FORGED) } : e.data;
      const hash = eventHash(prevHash, { ...e, data });
      const out = { ...e, data, prevHash, hash };
      prevHash = hash;
      return out;
    });
    const file = join(root, 'rehashed.jsonl');
    writeFileSync(file, rehashed.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const dir = join(root, 'rehashed-store');
    assert.equal(cli(['events', 'import', file, '--store', dir]).status, 0);
    assert.equal(cli(['events', 'verify', '--store', dir]).status, 0, 'a re-hashed log verifies clean on its own');
    for (const given of [anchorFile, `${anchor.hash}@${anchor.position}`]) {
      const r = cli(['events', 'verify', '--store', dir, '--anchor', given]);
      assert.equal(r.status, 6, r.stderr);
      assert.match(r.stdout, new RegExp(`ANCHOR MISMATCH at position ${anchor.position}`));
      assert.match(r.stderr, /does not extend the anchor/);
    }
    const json = JSON.parse(cli(['events', 'verify', '--store', dir, '--anchor', anchorFile, '--json']).stdout) as { ok: boolean; anchor: { ok: boolean } };
    assert.deepEqual([json.ok, json.anchor.ok], [false, false]);
  });

  it('bad anchors are BAD_INPUT (exit 2) saying what to pass', () => {
    const garbage = join(root, 'garbage.json');
    writeFileSync(garbage, '{"position": "x"');
    const wrongShape = join(root, 'wrong-shape.json');
    writeFileSync(wrongShape, '{"position": -1, "hash": "abc"}');
    for (const anchor of ['xyz@1', `${'a'.repeat(64)}@999999`, join(root, 'no-such-anchor.json'), garbage, wrongShape]) {
      const r = cli(['events', 'verify', '--store', base, '--anchor', anchor]);
      assert.equal(r.status, 2, `${anchor}: ${r.stderr}`);
      assert.match(r.stderr, /BAD_INPUT/);
      assert.match(r.stderr, /hint: /);
    }
  });
});
