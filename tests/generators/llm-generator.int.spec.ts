import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../src/shared/repo-root';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { LocalLlmGenerator } from '../../gpu-agent/generators/llm.generator';
import { loadSeedCorpus } from '../../gpu-agent/generators/seed-corpus';
import { llmPython } from '../../gpu-agent/python/python-job';
import type { GenerationContext } from '../../gpu-agent/generators/generator.port';
import { LedgerError } from '../../domain/shared/ledger-error';

/**
 * The real local-LLM path (transformers + peft) against a tiny random Llama and a tokenizer trained here on the
 * seed corpus: CI has no weights. Decoding is the paper's except for max new tokens (48), to stay within budget.
 */
const DECODING = { temperature: 0.2, topK: 50, topP: 0.9, maxNewTokens: 48 };
const CONTEXT: GenerationContext = { dataset: 'fashion-mnist', parameterBudget: 500_000, delta: false, corpus: [] };

describe('the local LLM generator on a tiny model', () => {
  let dir = '';
  let model = '';
  before(() => {
    const setup = spawnSync('bash', [join(repoRoot(), 'scripts', 'setup-llm-venv.sh')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(setup.status, 0, `scripts/setup-llm-venv.sh failed: ${setup.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'tiny-llm-'));
    model = join(dir, 'model');
    const build = spawnSync(llmPython(), [join(repoRoot(), 'gpu-agent', 'generators', 'build_tiny_llm.py'), model], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(build.status, 0, build.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('generates, fine-tunes with LoRA into a new content-addressed version, and reloads to the same outputs', async () => {
    const artifacts = new ArtifactStore(join(dir, 'artifacts'));
    const g0 = LocalLlmGenerator.open({ modelPath: model, artifacts, decoding: DECODING, device: 'cpu' });
    assert.match(g0.ref.version, /^llm-[0-9a-f]{16}$/);
    const first = await g0.generate(2, 7, CONTEXT);
    assert.equal(first.length, 2);
    for (const p of first) {
      assert.ok(p.outputTokens > 0 && p.outputTokens <= 48);
      assert.deepEqual(p.decoding, DECODING);
      // A random model writes no program: the candidate is a recorded parse rejection, not an exception.
      assert.equal(p.failure?.stage, 'parse');
    }
    const again = await LocalLlmGenerator.open({ modelPath: model, artifacts, decoding: DECODING, device: 'cpu' }).generate(2, 7, CONTEXT);
    assert.deepEqual(again.map((p) => p.code), first.map((p) => p.code), 'same seed, same version: same outputs');

    const corpus = loadSeedCorpus().slice(0, 6);
    const tuned = await g0.fineTune(6, corpus);
    assert.notEqual(tuned.to.version, g0.ref.version);
    assert.ok(readdirSync(artifacts.dir).includes(tuned.adapterHash), 'the adapter is stored under its hash');
    const report = JSON.parse(JSON.stringify(tuned)) as { loss: number };
    assert.ok(Number.isFinite(report.loss));

    const g1 = LocalLlmGenerator.open({ modelPath: model, artifacts, version: tuned.to.version, decoding: DECODING, device: 'cpu' });
    const g1b = LocalLlmGenerator.open({ modelPath: model, artifacts, version: tuned.to.version, decoding: DECODING, device: 'cpu' });
    const tunedOut = await g1.generate(2, 7, CONTEXT);
    assert.deepEqual((await g1b.generate(2, 7, CONTEXT)).map((p) => p.code), tunedOut.map((p) => p.code), 'a reload reproduces the outputs');
    assert.equal(tunedOut[0]!.generator.version, tuned.to.version);

    // A corrupt adapter file is caught by its hash before any use.
    const adapterDir = join(artifacts.dir, tuned.adapterHash);
    const weights = readdirSync(adapterDir).find((f) => f.startsWith('adapter_model'))!;
    writeFileSync(join(adapterDir, weights), 'garbage');
    assert.throws(() => LocalLlmGenerator.open({ modelPath: model, artifacts, version: tuned.to.version }), (e: unknown) => e instanceof LedgerError && e.code === 'INTEGRITY');
  });

  it('reports the LoRA loss falling on the training pairs with the paper hyper-parameters', async () => {
    const artifacts = new ArtifactStore(join(dir, 'artifacts-loss'));
    const g = LocalLlmGenerator.open({ modelPath: model, artifacts, device: 'cpu' });
    const corpus = loadSeedCorpus().slice(0, 4);
    const python = await import('../../gpu-agent/python/python-job');
    const { trainingPair, promptContextFor } = await import('../../domain/generators/prompt');
    const out = mkdtempSync(join(dir, 'adapter-'));
    const result = await python.runPythonJob<{ lossBefore: number; lossAfter: number; epochLosses: number[]; hyper: Record<string, unknown> }>(llmPython(), 'lora_finetune.py', {
      model, pairs: corpus.map((e) => trainingPair(promptContextFor('fashion-mnist', 500_000), e.code)), out, seed: 0, device: 'cpu',
    }, 240_000);
    assert.ok(result.lossAfter < result.lossBefore, `loss ${result.lossBefore} -> ${result.lossAfter}`);
    assert.deepEqual([result.hyper.r, result.hyper.alpha, result.hyper.dropout, result.hyper.epochs, result.hyper.lr, result.hyper.warmupSteps],
      [32, 32, 0.05, 5, 1e-5, 20]);
    assert.ok(g.ref.version.startsWith('llm-'));
  });

  it('refuses at start-up a model path that does not exist or is not a causal LM', () => {
    const artifacts = new ArtifactStore(join(dir, 'artifacts-bad'));
    assert.throws(() => LocalLlmGenerator.open({ modelPath: join(dir, 'nope'), artifacts }), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
    const notLm = join(dir, 'bert');
    spawnSync('mkdir', ['-p', notLm]);
    writeFileSync(join(notLm, 'config.json'), JSON.stringify({ architectures: ['BertModel'] }));
    assert.throws(() => LocalLlmGenerator.open({ modelPath: notLm, artifacts }), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT' && /not a causal language model/.test(e.message));
  });
});
