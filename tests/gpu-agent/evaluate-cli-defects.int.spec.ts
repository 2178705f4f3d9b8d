import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { program } from './programs';
import { evaluateCli as cli, scratch } from './support';

describe('nas-ledger evaluate: defects found in the hostile-program probe', () => {
  const work = scratch('cli-defects');
  const env = { NAS_LEDGER_CACHE: join(work.dir, 'cache') };
  const slow = join(work.dir, 'slow.py');
  const huge = join(work.dir, 'huge.py');
  before(() => {
    writeFileSync(slow, program({ init: 'while True:\n    pass' }));
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 200 * 1024 * 1024); // a 200 MB program (sparse: the size is what matters)
    closeSync(fd);
  });
  after(() => work.remove());

  it('evaluate --json on a timeout omits the accuracy, loss, params and flops keys (it must keep the shape, with nulls)', () => {
    const run = cli(['evaluate', slow, '--device', 'cpu', '--subset', '64', '--val-subset', '64', '--timeout', '3', '--json'], work.dir, env);
    assert.equal(run.status, 5, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(out.stage, 'timeout');
    for (const key of ['accuracy', 'loss', 'params', 'flops']) {
      assert.ok(key in out, `key ${key} is missing`);
      assert.equal(out[key], null, key);
    }
  });

  it('a 200 MB program gets exit 2 with an unrelated hint (it must be TOO_LARGE, exit 7, saying the limit)', () => {
    const run = cli(['evaluate', huge, '--device', 'cpu', '--validate-only'], work.dir, env);
    assert.equal(run.status, 7, run.stderr);
    assert.match(run.stderr, /TOO_LARGE/);
    assert.match(run.stderr, /256 KiB/);
    assert.doesNotMatch(run.stderr, /dataset, protocol and config/);
  });
});
