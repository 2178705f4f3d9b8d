import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LedgerError } from '../../domain/shared/ledger-error';
import { RunnerPool } from '../../gpu-agent/runner-pool/runner-pool';
import { GOOD } from './programs';
import { TINY, testPool } from './support';

const fake = (mode: string) => ({ command: [process.execPath, join(__dirname, 'fake-runner.js'), mode] as [string, ...string[]] });
const childPids = (): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

describe('runner pool: crashed and hung runners are replaced, and jobs never end in silence', () => {
  it('retries a job on a fresh runner when its runner is killed mid-job', async () => {
    const { pool, cache } = await testPool(1);
    try {
      const [runnerPid] = childPids();
      assert.ok(runnerPid, 'the pool has a runner process');
      const job = pool.run('validate', GOOD, TINY);
      setTimeout(() => process.kill(runnerPid, 'SIGKILL'), 300);
      const result = await job;
      assert.equal(result.stage, 'passed');
      assert.equal(pool.replaced, 1);
      assert.notDeepEqual(childPids(), [runnerPid]);
    } finally {
      await pool.close();
      cache.remove();
    }
  });

  it('replaces a runner that died while idle', async () => {
    const { pool, cache } = await testPool(1);
    try {
      pool.killOne();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await pool.run('validate', GOOD, TINY)).stage, 'passed');
      assert.equal(pool.replaced, 1);
    } finally {
      await pool.close();
      cache.remove();
    }
  });

  for (const [mode, kind] of [['crash', 'crashed'], ['hang', 'hung'], ['garbage', 'protocol']] as const) {
    it(`fails a job with UNAVAILABLE after runners ${kind === 'protocol' ? 'break the protocol' : kind} on every attempt`, async () => {
      const pool = await RunnerPool.start({ size: 1, maxAttempts: 2, hangGraceS: 0, ...fake(mode), log: () => undefined });
      try {
        await assert.rejects(pool.run('validate', GOOD, { ...TINY, timeoutS: 1 }), (error: unknown) =>
          error instanceof LedgerError && error.code === 'UNAVAILABLE' && error.details?.kind === kind && /2 runners/.test(error.message));
        assert.equal(pool.replaced, 2);
      } finally {
        await pool.close();
      }
    });
  }
});
