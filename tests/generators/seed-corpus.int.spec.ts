import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadSeedCorpus, readSeedManifest, seedCorpusDir } from '../../gpu-agent/generators/seed-corpus';
import { sha256Hex } from '../../domain/shared/canonical-json';

describe('the shipped seed corpus', () => {
  it('has at least 30 programs, each instantiating, forwarding 1x28x28 and 3x32x32, within 500k params and training with real PyTorch', () => {
    const run = spawnSync('/usr/bin/python3', [join(seedCorpusDir(), 'check_seed_corpus.py')], { encoding: 'utf8', timeout: 120_000 });
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const programs = lines.filter((l) => l.summary !== true);
    const failed = programs.filter((p) => p.ok !== true);
    assert.deepEqual(failed, [], `programs failing the contract check: ${JSON.stringify(failed)}`);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(programs.length >= 30, `only ${programs.length} programs`);
    for (const p of programs) {
      const params = p.params as Record<string, number>;
      assert.ok(params['fashion-mnist']! <= 500_000 && params.cifar10! <= 500_000, `${String(p.name)} over budget`);
    }
    // The manifest's parameter counts are what the check measures now (no stale figures).
    const manifest = new Map(readSeedManifest().map((e) => [e.name, e.params]));
    for (const p of programs) assert.deepEqual(manifest.get(p.name as string), p.params, `index.json params for ${String(p.name)}`);
  });

  it('loads as corpus entries with seed:<name> ids and sha256 code hashes', () => {
    const corpus = loadSeedCorpus();
    assert.ok(corpus.length >= 30);
    const lenet = corpus.find((e) => e.entryId === 'seed:lenet5');
    assert.ok(lenet, 'seed:lenet5 missing');
    assert.equal(lenet.codeHash, sha256Hex(lenet.code));
    assert.match(lenet.code, /class Net\(nn\.Module\)/);
    assert.equal(new Set(corpus.map((e) => e.codeHash)).size, corpus.length, 'two seed programs have the same text');
  });
});
