import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { GrammarGenerator } from '../../gpu-agent/generators/grammar.generator';
import type { GenerationContext } from '../../gpu-agent/generators/generator.port';
import { readDecisionsHeader, renderProgram } from '../../domain/generators/grammar-render';
import { applyUnifiedDiff } from '../../domain/generators/unified-diff';
import { sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { CorpusEntry } from '../../domain/experiment/events';
import { loadSeedCorpus } from '../../gpu-agent/generators/seed-corpus';
import { initialGeneratorRef } from '../../gpu-agent/generators/create-generator';
import { DEFAULT_GRAMMAR_TEMPERATURE, EARLIER_DEFAULT_GRAMMAR_TEMPERATURES, initialTheta, thetaVersion } from '../../domain/generators/grammar';

const CONTEXT: GenerationContext = { dataset: 'fashion-mnist', parameterBudget: 500_000, delta: false, corpus: [] };

function withArtifacts(fn: (artifacts: ArtifactStore) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grammar-artifacts-'));
    try { await fn(new ArtifactStore(dir)); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
}

const asEntry = (code: string, i: number): CorpusEntry => ({ entryId: `cand-${i}`, name: `arch-${i}`, code, codeHash: sha256Hex(code), accuracy: 0.8 });

describe('the grammar generator', () => {
  it('writes readable programs under the contract whose header carries their decisions', withArtifacts(async (artifacts) => {
    const programs = await GrammarGenerator.open({ artifacts }).generate(5, 1, CONTEXT);
    assert.equal(programs.length, 5);
    for (const p of programs) {
      assert.match(p.code, /^# nas-ledger-grammar: /);
      assert.match(p.code, /def supported_hyperparameters\(\):\n {4}return \{'lr', 'momentum'\}/);
      for (const m of ['def __init__(self, in_shape, out_shape, prm, device):', 'def forward(self, x):', 'def train_setup(self, prm):', 'def learn(self, train_data):']) assert.ok(p.code.includes(m), m);
      assert.match(p.code, /self\.criteria = \(nn\.CrossEntropyLoss\(\)/);
      assert.equal(p.codeHash, sha256Hex(p.code));
      const decisions = readDecisionsHeader(p.code);
      assert.ok(decisions);
      assert.equal(renderProgram(decisions), p.code, 'the header re-renders the same program');
      assert.equal(p.parent, null);
      assert.equal(p.failure, null);
      assert.ok(p.outputTokens > 100);
    }
  }));

  it('is deterministic: same seed and version, same programs; another seed, other programs', withArtifacts(async (artifacts) => {
    const a = await GrammarGenerator.open({ artifacts }).generate(6, 42, CONTEXT);
    const b = await GrammarGenerator.open({ artifacts }).generate(6, 42, CONTEXT);
    const c = await GrammarGenerator.open({ artifacts }).generate(6, 43, CONTEXT);
    assert.deepEqual(a.map((p) => p.codeHash), b.map((p) => p.codeHash));
    assert.notDeepEqual(a.map((p) => p.codeHash), c.map((p) => p.codeHash));
  }));

  it('fine-tunes on the programs it wrote, skips seed programs, and a reload of the new version reproduces its programs', withArtifacts(async (artifacts) => {
    const g0 = GrammarGenerator.open({ artifacts });
    const admitted = (await g0.generate(12, 5, CONTEXT)).map((p, i) => asEntry(p.code, i));
    const seeds = loadSeedCorpus().slice(0, 5);
    const result = await g0.fineTune(17, [...seeds, ...admitted]);
    assert.equal(result.used, 12);
    assert.notEqual(result.to.version, g0.ref.version);
    assert.match(result.to.version, /^grammar-[0-9a-f]{16}$/);
    assert.ok(result.loss !== null && result.loss > 0);
    assert.ok(readdirSync(artifacts.dir).includes(`${result.adapterHash}.json`));
    const g1 = GrammarGenerator.open({ artifacts, version: result.to.version });
    const again = GrammarGenerator.open({ artifacts, version: result.to.version });
    assert.deepEqual((await g1.generate(4, 9, CONTEXT)).map((p) => p.code), (await again.generate(4, 9, CONTEXT)).map((p) => p.code));
    assert.equal(g1.ref.version, result.to.version);
  }));

  it('detects a corrupt θ file by its hash', withArtifacts(async (artifacts) => {
    const g0 = GrammarGenerator.open({ artifacts });
    const admitted = (await g0.generate(3, 5, CONTEXT)).map((p, i) => asEntry(p.code, i));
    const result = await g0.fineTune(3, admitted);
    writeFileSync(join(artifacts.dir, `${result.adapterHash}.json`), '{"kind":"grammar-theta","schema":1,"theta":{}}');
    assert.throws(() => GrammarGenerator.open({ artifacts, version: result.to.version }), (e: unknown) => e instanceof LedgerError && e.code === 'INTEGRITY');
  }));

  it('starts every experiment from the same initial version, which loads even from an empty artifact directory', withArtifacts(async (artifacts) => {
    const ref = await initialGeneratorRef('grammar', { artifactDir: artifacts.dir });
    assert.deepEqual(ref, { id: 'grammar', version: thetaVersion(initialTheta(), DEFAULT_GRAMMAR_TEMPERATURE) });
    const empty = mkdtempSync(join(tmpdir(), 'grammar-empty-'));
    try {
      assert.equal(GrammarGenerator.open({ artifacts: new ArtifactStore(empty), version: ref.version }).ref.version, ref.version);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }));

  it('still loads, from an empty artifact directory, the initial version of an experiment recorded under an earlier default temperature', () => {
    const empty = mkdtempSync(join(tmpdir(), 'grammar-empty-'));
    try {
      assert.ok(EARLIER_DEFAULT_GRAMMAR_TEMPERATURES.length > 0 && !EARLIER_DEFAULT_GRAMMAR_TEMPERATURES.includes(DEFAULT_GRAMMAR_TEMPERATURE));
      for (const temperature of EARLIER_DEFAULT_GRAMMAR_TEMPERATURES) {
        const version = thetaVersion(initialTheta(), temperature);
        const loaded = GrammarGenerator.open({ artifacts: new ArtifactStore(empty), version });
        assert.equal(loaded.ref.version, version);
        assert.equal(loaded.temperature, temperature);
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses an unknown version with a hint', withArtifacts(async (artifacts) => {
    assert.throws(() => GrammarGenerator.open({ artifacts, version: 'grammar-0123456789abcdef' }), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
    assert.throws(() => GrammarGenerator.open({ artifacts, version: 'lora-1' }), (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT');
  }));

  it('in delta mode proposes real unified diffs against grammar parents that resolve strictly to the candidate', withArtifacts(async (artifacts) => {
    const g = GrammarGenerator.open({ artifacts });
    const corpus = [...loadSeedCorpus().slice(0, 3), ...(await g.generate(4, 11, CONTEXT)).map((p, i) => asEntry(p.code, i))];
    const programs = await g.generate(10, 3, { ...CONTEXT, delta: true, corpus });
    for (const p of programs) {
      assert.ok(p.parent, 'every program has a parent');
      assert.match(p.parent.entryId, /^cand-/, 'parents are programs the grammar can mutate');
      const parent = corpus.find((e) => e.entryId === p.parent!.entryId)!;
      assert.match(p.parent.diff, /^--- a\/parent\.py\n\+\+\+ b\/candidate\.py\n@@ -\d+/);
      assert.equal(applyUnifiedDiff(parent.code, p.parent.diff), p.code);
      assert.notEqual(p.code, parent.code);
      assert.ok(p.parent.diff.length < p.code.length, 'a diff is shorter than the program');
    }
  }));

  it('falls back to full programs in delta mode when no parent was written by the grammar', withArtifacts(async (artifacts) => {
    const programs = await GrammarGenerator.open({ artifacts }).generate(2, 3, { ...CONTEXT, delta: true, corpus: loadSeedCorpus() });
    assert.deepEqual(programs.map((p) => p.parent), [null, null]);
  }));
});
