import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/shared/repo-root';
import { defaultPython } from '../../gpu-agent/runner-pool/runner-process';

/** Job configs as the runner merges them (wire.DEFAULT_CONFIG plus the job's values). */
type JobConfig = Record<string, unknown>;

/** protocolHash of each config, computed by the runner's own protocols.py (the value every evaluation records). */
function runnerHashes(protocol: string, configs: readonly JobConfig[]): string[] {
  const script = [
    'import json, sys', 'import protocols, wire',
    'name, configs = json.loads(sys.stdin.read())',
    'print(json.dumps([protocols.protocol_hash(protocols.resolve(name, dict(wire.DEFAULT_CONFIG, **c))) for c in configs]))',
  ].join('\n');
  const out = execFileSync(defaultPython(), ['-c', script], {
    cwd: join(repoRoot(), 'gpu-agent', 'runner'), input: JSON.stringify([protocol, configs]), encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

const BASE: JobConfig = { dataset: 'fashion-mnist', subset: 512, valSubset: 1000, seed: 7, device: 'cpu', threads: 1 };

describe('protocol hash: every setting that changes the numbers changes the hash', () => {
  it('differs for the validation subset, the training subset, the seed, the job prm and the CPU thread count', () => {
    const variants: Record<string, JobConfig> = {
      'valSubset 500': { ...BASE, valSubset: 500 },
      'valSubset whole split': { ...BASE, valSubset: null },
      'subset 256': { ...BASE, subset: 256 },
      'seed 8': { ...BASE, seed: 8 },
      'prm lr 0.05': { ...BASE, prm: { lr: 0.05 } },
      'threads 2 (cpu)': { ...BASE, threads: 2 },
      'batchSize 32': { ...BASE, batchSize: 32 },
    };
    const [base, again, ...others] = runnerHashes('fast', [BASE, { ...BASE }, ...Object.values(variants)]);
    assert.match(base!, /^[0-9a-f]{64}$/);
    assert.equal(again, base, 'the same config hashes the same');
    Object.keys(variants).forEach((name, i) => assert.notEqual(others[i], base, `${name} must change the protocol hash`));
    assert.equal(new Set(others).size, others.length, 'each variant has a hash of its own');
  });

  it('leaves out what cannot change the numbers: prm a fixed protocol ignores, threads on a GPU, the run limits', () => {
    const [nngpt, nngptPrm] = runnerHashes('nngpt', [BASE, { ...BASE, prm: { lr: 0.05 } }]);
    assert.equal(nngptPrm, nngpt, 'nngpt trains with its own fixed prm whatever the job says');
    const cuda = { ...BASE, device: 'cuda' };
    const [oneThread, twoThreads] = runnerHashes('fast', [cuda, { ...cuda, threads: 2 }]);
    assert.equal(twoThreads, oneThread, 'on a GPU the thread count does not enter the hash');
    const [plain, limited] = runnerHashes('fast', [BASE, { ...BASE, timeoutS: 30, memoryMb: 2048, parameterBudget: 100_000 }]);
    assert.equal(limited, plain, 'limits decide rejections, not the numbers of an evaluation');
  });
});
