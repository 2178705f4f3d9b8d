import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { RunnerPool } from '../../gpu-agent/runner-pool/runner-pool';
import { defaultPython } from '../../gpu-agent/runner-pool/runner-process';
import { repoRoot } from '../../src/shared/repo-root';
import { GOOD } from './programs';
import { TINY, scratch, testPool } from './support';

/** The hash the runner records: sha256 over each file's name, a NUL, and its bytes, in the loader's file order. */
function expectedHash(dir: string, order: readonly string[]): string {
  const h = createHash('sha256');
  for (const name of order) {
    h.update(Buffer.from(name + '\0'));
    h.update(readFileSync(join(dir, name)));
  }
  return h.digest('hex');
}

describe('datasets: each real on-disk format loads through the real loaders', () => {
  let pool: RunnerPool;
  let cache: ReturnType<typeof scratch>;
  const data = scratch('data');

  before(async () => {
    execFileSync(defaultPython(), [join(repoRoot(), 'gpu-agent', 'test-support', 'write_tiny_datasets.py'), data.dir]);
    ({ pool, cache } = await testPool(2));
  });
  after(async () => { await pool.close(); cache.remove(); data.remove(); });

  const idx = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  const formats = [
    { dataset: 'mnist', dir: 'mnist', files: idx, inShape: [64, 1, 28, 28] },
    { dataset: 'fashion-mnist', dir: 'fashion-mnist', files: idx.map((f) => `${f}.gz`), inShape: [64, 1, 28, 28] },
    { dataset: 'cifar10', dir: 'cifar-10-batches-py', files: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}`).concat('test_batch'), inShape: [64, 3, 32, 32] },
    { dataset: 'cifar100', dir: 'cifar-100-python', files: ['train', 'test'], inShape: [64, 3, 32, 32] },
    { dataset: 'svhn', dir: 'svhn', files: ['train_32x32.mat', 'test_32x32.mat'], inShape: [64, 3, 32, 32] },
  ];
  for (const f of formats) {
    it(`${f.dataset}: trains one epoch from ${f.files.length} file(s) in ${f.dir}/ and records their content hash`, async () => {
      assert.deepEqual(readdirSync(join(data.dir, f.dir)).sort(), [...f.files].sort());
      const r = await pool.run('evaluate', GOOD, { ...TINY, dataset: f.dataset, dataRoot: data.dir, subset: 64, valSubset: 32 });
      assert.equal(r.stage, 'passed', r.reason ?? '');
      assert.deepEqual(r.inShape, f.inShape);
      assert.equal(r.datasetHash, expectedHash(join(data.dir, f.dir), f.files));
      assert.ok(r.accuracy !== null && r.accuracy >= 0 && r.accuracy <= 1);
    });
  }

  it('sizes the classifier from the dataset: cifar100 has 100 outputs', async () => {
    const r = await pool.run('fingerprint', GOOD, { ...TINY, dataset: 'cifar100', dataRoot: data.dir });
    const nodes = (r.graph as { nodes: { outShape: number[] | null }[] }).nodes;
    assert.deepEqual(nodes.at(-1)?.outShape, [1, 100]);
  });

  it('says where to put a missing dataset and in which format', async () => {
    const empty = scratch('empty');
    try {
      await assert.rejects(pool.run('evaluate', GOOD, { ...TINY, dataset: 'svhn', dataRoot: empty.dir }), (error: unknown) =>
        error instanceof LedgerError && error.code === 'NOT_FOUND'
        && error.message.includes(join(empty.dir, 'svhn')) && /train_32x32\.mat/.test(error.message) && /NAS_LEDGER_DATA/.test(error.hint ?? ''));
    } finally {
      empty.remove();
    }
  });
});
