import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOOD, program } from './programs';
import { evaluateCli as cli, scratch } from './support';

describe('nas-ledger evaluate FILE.py', () => {
  const work = scratch('cli');
  const env = { NAS_LEDGER_CACHE: join(work.dir, 'cache') };
  const good = join(work.dir, 'good.py');
  const bad = join(work.dir, 'bad.py');
  before(() => {
    writeFileSync(good, GOOD);
    writeFileSync(bad, program({ returns: 'self.features(x)' }));
  });
  after(() => work.remove());

  it('prints the outcome as JSON, with the provenance keys, and writes no ledger', () => {
    const run = cli(['evaluate', good, '--subset', '256', '--val-subset', '128', '--device', 'cpu', '--json'], work.dir, env);
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    for (const key of ['ok', 'stage', 'reason', 'accuracy', 'params', 'device', 'codeHash', 'datasetHash', 'protocolHash', 'timings']) {
      assert.ok(key in out, `key ${key}`);
    }
    assert.equal(out.ok, true);
    assert.equal(out.stage, 'passed');
    assert.equal(out.device, 'cpu');
    assert.equal(out.codeHash, createHash('sha256').update(GOOD).digest('hex'));
    assert.equal(typeof out.accuracy, 'number');
    assert.equal(existsSync(join(work.dir, '.nas-ledger')), false);
  });

  it('prints a rejection with its stage, and exits 5', () => {
    const run = cli(['evaluate', bad, '--validate-only', '--device', 'cpu', '--json'], work.dir, env);
    assert.equal(run.status, 5, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(out.ok, false);
    assert.equal(out.stage, 'forward');
    assert.match(String(out.reason), /expected \(2, 10\)/);
    assert.match(run.stderr, /rejected at stage forward/);
  });

  it('refuses an unknown dataset, protocol or device with exit 2 and a hint', () => {
    for (const [flag, value] of [['--dataset', 'imagenet'], ['--protocol', 'slow'], ['--device', 'tpu']] as const) {
      const run = cli(['evaluate', good, flag, value], work.dir, env);
      assert.equal(run.status, 2, `${flag} ${value}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`unknown ${flag.slice(2)} "${value}"`));
      assert.match(run.stderr, /hint: Use one of/);
    }
  });

  it('--device cuda fails loudly when there is no GPU', async (t) => {
    const run = cli(['evaluate', good, '--device', 'cuda', '--validate-only'], work.dir, env);
    if (run.status === 0) {
      t.skip('a CUDA device is present here; the no-GPU failure was not exercised');
      return;
    }
    assert.equal(run.status, 9, run.stderr);
    assert.match(run.stderr, /UNAVAILABLE: --device cuda was requested but torch sees no CUDA device/);
  });

  it('nas-ledger agent --device cuda fails at start-up when there is no GPU, before taking any job', async (t) => {
    const run = cli(['agent', '--bus', 'inproc', '--store', join(work.dir, 'agent-ledger'), '--device', 'cuda', '--workers', '1'], work.dir, env);
    if (run.status === 0) {
      t.skip('a CUDA device is present here; the no-GPU failure was not exercised');
      return;
    }
    assert.equal(run.status, 9, run.stderr);
    assert.match(run.stderr, /UNAVAILABLE: --device cuda was requested/);
  });
});
