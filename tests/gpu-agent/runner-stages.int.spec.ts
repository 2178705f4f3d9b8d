import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { RunnerPool } from '../../gpu-agent/runner-pool/runner-pool';
import { GOOD, program } from './programs';
import { TINY, testPool, type scratch } from './support';

describe('runner: validation stages, the one-epoch proxy and its provenance', () => {
  let pool: RunnerPool;
  let cache: ReturnType<typeof scratch>;
  before(async () => ({ pool, cache } = await testPool(2)));
  after(async () => { await pool.close(); cache.remove(); });

  const stageOf = async (code: string, job: 'validate' | 'evaluate' = 'validate', extra = {}) => {
    const result = await pool.run(job, code, { ...TINY, ...extra });
    return result;
  };

  it('passes a valid program and records everything needed to re-derive the number', async () => {
    const r = await pool.run('evaluate', GOOD, TINY);
    assert.equal(r.stage, 'passed', r.reason ?? '');
    assert.ok(r.ok);
    assert.ok(r.accuracy !== null && r.accuracy > 0 && r.accuracy <= 1, `accuracy ${r.accuracy}`);
    assert.ok(r.loss !== null && Number.isFinite(r.loss));
    assert.equal(r.params, 16 * 9 + 16 + 32 + 32 * 16 * 9 + 32 + 64 + 32 * 10 + 10); // conv, bn, conv, bn, linear
    assert.equal(r.codeHash, createHash('sha256').update(GOOD).digest('hex'));
    assert.match(r.datasetHash ?? '', /^[0-9a-f]{64}$/);
    assert.match(r.protocolHash, /^[0-9a-f]{64}$/);
    assert.equal(r.device, 'cpu');
    assert.equal(r.sandbox, 'bwrap');
    assert.equal(r.seed, 7);
    assert.ok(r.libraries.torch && r.libraries.python && r.libraries.numpy);
    for (const phase of ['parse', 'policy', 'instantiate', 'contract', 'budget', 'forward', 'load', 'train', 'eval', 'total']) {
      assert.equal(typeof r.timings[phase], 'number', `timing ${phase}`);
    }
    assert.deepEqual(r.inShape, [64, 1, 28, 28]);
    assert.equal((r.protocol as { subset: number }).subset, 512);
  });

  it('is bit-for-bit repeatable on the CPU with a fixed seed, and the seed matters', async () => {
    const [a, b, c] = await Promise.all([pool.run('evaluate', GOOD, TINY), pool.run('evaluate', GOOD, TINY),
      pool.run('evaluate', GOOD, { ...TINY, seed: 8 })]);
    assert.equal(a.accuracy, b.accuracy);
    assert.equal(a.loss, b.loss);
    assert.equal(a.protocolHash, b.protocolHash);
    assert.notEqual(a.loss, c.loss);
    assert.notEqual(a.protocolHash, c.protocolHash, 'the seed is part of the protocol value');
  });

  const cases: [string, string, string][] = [
    ['parse', 'def broken(:\n', 'line 1'],
    ['policy', program({ header: 'import os' }), "import of 'os'"],
    ['policy', program({ init: "getattr(self, '__class__')" }), 'getattr'],
    ['instantiate', program({ init: 'raise ValueError("bad layer sizes")' }), 'bad layer sizes'],
    ['instantiate', program({ header: 'undefined_name + 1' }), 'NameError'],
    ['contract', program({ omitLearn: true }), 'learn'],
    ['contract', program({ hyperparameters: "{'lr'}" }), 'momentum'],
    ['contract', 'import torch\ndef supported_hyperparameters():\n    return {"lr", "momentum"}\n', 'class Net'],
    ['budget', program({ width: 400 }), 'exceed the budget'],
    ['forward', program({ returns: 'self.features(x)' }), 'expected (2, 10)'],
    ['forward', program({ returns: 'self.head(torch.flatten(self.features(x), 1)) * float("nan")' }), 'NaN'],
  ];
  for (const [stage, code, reason] of cases) {
    it(`rejects at stage ${stage} (${reason})`, async () => {
      const r = await stageOf(code);
      assert.equal(r.stage, stage, r.reason ?? '');
      assert.equal(r.ok, false);
      assert.ok(r.reason?.includes(reason), `reason: ${r.reason}`);
    });
  }

  it('rejects at stage budget when the forward FLOPs per sample exceed the compute budget, and not under it', async () => {
    const open = await pool.run('validate', GOOD, TINY);
    assert.equal(open.stage, 'passed', open.reason ?? '');
    assert.ok(open.flops !== null && open.flops > 1000, `flops ${open.flops}`);
    const over = await pool.run('validate', GOOD, { ...TINY, flopsBudget: open.flops - 1 });
    assert.equal(over.stage, 'budget');
    assert.match(over.reason ?? '', /FLOPs per sample exceed the compute budget/);
    assert.equal((await pool.run('validate', GOOD, { ...TINY, flopsBudget: open.flops })).stage, 'passed');
    await assert.rejects(pool.run('validate', GOOD, { ...TINY, flopsBudget: 0 }), (e: unknown) => e instanceof LedgerError && /flopsBudget/.test(e.message));
  });

  it('rejects at stage train when learn() fails, after validation passed', async () => {
    const r = await stageOf(program({ learn: 'raise RuntimeError("optimizer exploded")' }), 'evaluate');
    assert.equal(r.stage, 'train');
    assert.match(r.reason ?? '', /optimizer exploded/);
    assert.ok(r.params !== null && r.params > 0, 'the stages before train still report what they measured');
  });

  it('runs the nngpt protocol (Resize 256, batch 16, DataLoader) and the full protocol with its epochs', async () => {
    const nngpt = await pool.run('evaluate', GOOD, { ...TINY, protocol: 'nngpt', subset: 32, valSubset: 32 });
    assert.equal(nngpt.stage, 'passed', nngpt.reason ?? '');
    assert.deepEqual(nngpt.inShape, [16, 1, 256, 256]);
    const full = await pool.run('full_train', GOOD, { ...TINY, protocol: 'full', epochs: 2, subset: 128, valSubset: 64 });
    assert.equal(full.stage, 'passed', full.reason ?? '');
    assert.deepEqual(full.history?.map((h) => h.epoch), [1, 2]);
  });

  it('refuses unknown datasets, protocols and config keys with typed errors, and keeps serving', async () => {
    await assert.rejects(pool.run('validate', GOOD, { ...TINY, dataset: 'imagenet' }), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT' && /imagenet/.test(e.message));
    await assert.rejects(pool.run('validate', GOOD, { ...TINY, protocol: 'slow' }), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
    await assert.rejects(pool.run('validate', GOOD, { ...TINY, learningRate: 0.1 } as never), (e: unknown) => e instanceof LedgerError && /unknown config keys/.test(e.message));
    await assert.rejects(pool.run('evaluate', GOOD, { ...TINY, dataset: 'cifar10', dataRoot: '/nonexistent' }),
      (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND' && /cifar-10-batches-py/.test(e.message));
    assert.equal((await pool.run('validate', GOOD, TINY)).stage, 'passed');
  });

  it('fingerprints the structure: same graph for renamed layers, different for a different width', async () => {
    const renamed = GOOD.replace(/self\.features/g, 'self.body').replace(/self\.head/g, 'self.classifier');
    const [a, b, c] = await Promise.all([pool.run('fingerprint', GOOD, TINY), pool.run('fingerprint', renamed, TINY),
      pool.run('fingerprint', program({ width: 8 }), TINY)]);
    assert.equal(a.stage, 'passed', a.reason ?? '');
    assert.deepEqual(a.graph, b.graph);
    assert.notDeepEqual(a.graph, c.graph);
    const graph = a.graph as { nodes: { op: string; outShape: number[] | null }[]; edges: [string, string][] };
    assert.deepEqual(graph.nodes.map((n) => n.op).slice(0, 3), ['input', 'Conv2d', 'BatchNorm2d']);
    assert.deepEqual(graph.nodes.at(-1)?.outShape, [1, 10]);
    assert.ok(graph.edges.length >= graph.nodes.length - 1);
  });

  it('agrees between CPU and GPU on a fixed candidate and seed', async (t) => {
    const probe = await pool.probe();
    if (!probe.cuda) {
      t.skip('SKIPPED, NOT PASSED: no CUDA device on this machine, so CPU/GPU agreement was not checked');
      return;
    }
    const config = { ...TINY, subset: 2048, valSubset: 1000 };
    const [cpu, gpu] = [await pool.run('evaluate', GOOD, config), await pool.run('evaluate', GOOD, { ...config, device: 'cuda' as const })];
    assert.equal(gpu.stage, 'passed', gpu.reason ?? '');
    // bf16 autocast on the GPU and different kernels: same data order and augmentation, close but not identical
    assert.ok(Math.abs((cpu.accuracy ?? 0) - (gpu.accuracy ?? 1)) <= 0.05, `cpu ${cpu.accuracy} gpu ${gpu.accuracy}`);
  });
});
