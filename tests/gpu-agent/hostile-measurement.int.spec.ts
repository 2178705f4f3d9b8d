import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerPool } from '../../gpu-agent/runner-pool/runner-pool';
import type { RunnerResult } from '../../gpu-agent/runner-pool/runner-protocol';
import { GOOD } from './programs';
import { HOSTILE, type Hostile } from './hostile-programs';
import { TINY, testPool } from './support';
import { repoRoot } from '../../src/shared/repo-root';
import { defaultPython } from '../../gpu-agent/runner-pool/runner-process';

/**
 * Issue 12, trusted measurement: hostile programs that try to change a recorded number other than by learning.
 * Each is refused, or measured honestly by the runner outside the sandbox: the accuracy is the one the trusted
 * process computed from the program's outputs and labels the sandbox never held, params is the real count, and
 * the reason is capped and clean. With the policy on AND off (policy off: the runner's measurement alone).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/;

function checkHonest(h: Hostile, r: RunnerResult, good: RunnerResult): void {
  const why = `${r.stage}: ${r.reason}`;
  assert.notEqual(r.accuracy, 0.99, 'the forged accuracy was recorded');
  assert.ok((r.reason ?? '').length <= 400, `reason of ${(r.reason ?? '').length} characters`);
  assert.doesNotMatch(r.reason ?? '', CONTROL, 'control characters in the reason');
  assert.equal(r.measurement?.by, 'runner-v1');
  if (r.ok) {
    assert.equal(r.params, good.params, 'params is the real count');
    assert.ok(r.accuracy !== null && r.accuracy < 0.5, `accuracy ${r.accuracy} is not what 512 images can teach`);
  }
  switch (h.honest) {
    case 'same-as-good':
      assert.equal(r.stage, 'passed', why);
      assert.equal(r.accuracy, good.accuracy, 'the accuracy the trusted runner computes for the same trained net');
      assert.equal(r.loss, good.loss);
      break;
    case 'real-params':
      assert.equal(r.stage, 'budget', why);
      assert.equal(r.params, h.realParams, 'the real parameter count is recorded');
      assert.match(r.reason ?? '', new RegExp(`^${h.realParams} parameters exceed`));
      break;
    case 'not-forged':
      if (r.stage === 'sandbox') assert.match(r.reason ?? '', /forged|not JSON|malformed/, why);
      break;
    case 'reason':
      break;
  }
}

describe('trusted measurement: hostile programs cannot forge their numbers', () => {
  let pool: RunnerPool;
  let cache: Awaited<ReturnType<typeof testPool>>['cache'];
  let good: RunnerResult;
  const config = { ...TINY, timeoutS: 60, parameterBudget: 500_000 };

  before(async () => {
    ({ pool, cache } = await testPool(2));
    good = await pool.run('evaluate', GOOD, config);
    assert.equal(good.stage, 'passed', good.reason ?? '');
  });
  after(async () => {
    await pool.close();
    cache.remove();
  });

  it('keeps the validation labels out of the directory the sandbox reads, and in the runner\'s own', () => {
    const datasets = readdirSync(cache.dir).filter((d) => d.startsWith('fashion-mnist-'));
    assert.equal(datasets.length, 1);
    assert.deepEqual(readdirSync(join(cache.dir, datasets[0]!)).sort(), ['test_x.npy', 'train_x.npy', 'train_y.npy']);
    assert.ok(existsSync(join(cache.dir, '.labels', datasets[0]!, 'test_y.npy')));
    assert.equal(good.measurement?.by, 'runner-v1');
    assert.deepEqual([...(good.measurement?.selfReported ?? [])].sort(), ['flops', 'graph', 'timings', 'trainLoss']);
    assert.equal((good.protocol as { measuredBy?: string }).measuredBy, 'runner-v1');
  });

  for (const policy of ['on', 'off'] as const) {
    describe(`with the policy ${policy}`, () => {
      for (const h of HOSTILE) {
        it(`${h.name}: refused, or measured honestly`, async () => {
          const r = await pool.run('evaluate', h.code, { ...config, policy });
          const why = `${r.stage}: ${r.reason}`;
          if (policy === 'on' && r.stage === 'policy') {
            assert.ok((r.reason ?? '').length <= 400);
            return;
          }
          if (policy === 'off' && h.offStage) assert.equal(r.stage, h.offStage, why);
          checkHonest(h, r, good);
          if (h.name.startsWith('copies a 15 kB')) assert.equal((r.reason ?? '').length, 400, why);
          if (h.name.includes('terminal escapes')) assert.match(r.reason ?? '', /^RuntimeError: \[31mFAKE\[0m x+$/, why);
          if (h.name.includes('16 threads')) assert.match(r.reason ?? '', /cpus 1 threads/, why);
          if (h.name.includes('validation labels')) assert.match(r.reason ?? '', /labels found: \[\] of 0/, why);
        });
      }
    });
  }

  it('with the policy on, the attribute walks to os, sys and builtins are refused at stage policy', async () => {
    const names = ['walks to os through torch.os', "walks to builtins through torch.sys.modules['builtins']",
      'walks to sys through typing.sys and replaces the harness', "tampers with sys.modules (numpy and the measuring modules)"];
    for (const name of names) {
      const h = HOSTILE.find((x) => x.name === name)!;
      const r = await pool.run('evaluate', h.code, { ...config, policy: 'on' });
      assert.equal(r.stage, 'policy', `${name}: ${r.stage}: ${r.reason}`);
    }
  });

  it('the run-time guard refuses what candidate frames import or open outside the allowlist, and torch\'s own imports still work', () => {
    const script = [
      'import torch, guard', 'guard.install()', 'out = []',
      "for src in ('import ctypes.util', 'import xml.dom.minidom', \"open('/etc/hostname')\", 'import math, dataclasses'):",
      '    try:', "        exec(compile(src, '<candidate>', 'exec'), {'__name__': 'candidate'})", "        out.append('allowed')",
      '    except ImportError as e:', "        out.append('refused' if 'runner policy' in str(e) else 'other')",
      'import xml.dom.minidom', "out.append('harness import ok')", 'print(out)',
    ].join('\n');
    const out = execFileSync(defaultPython(), ['-c', script], { cwd: join(repoRoot(), 'gpu-agent', 'runner'), encoding: 'utf8' });
    assert.equal(out.trim(), "['refused', 'refused', 'refused', 'allowed', 'harness import ok']");
  });
});
