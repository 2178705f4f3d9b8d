import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configHash, DEFAULT_NOVELTY } from '../../domain/experiment/config';
import {
  checkGrammarTemperature, DECISION_NAMES, initialTheta, sampleDecisions, temperedTheta, thetaVersion, type GrammarDecisions, type GrammarTheta,
} from '../../domain/generators/grammar';
import { renderProgram } from '../../domain/generators/grammar-render';
import { ceUpdate } from '../../domain/generators/ce-update';
import { nearDuplicateStats } from '../../domain/generators/near-duplicates';
import { planArchitecture } from '../../domain/generators/grammar-plan';
import { analysePlan, type AnalysisContext } from '../../domain/generators/grammar-analysis';
import { seededRng } from '../../domain/generators/rng';
import { LedgerError } from '../../domain/shared/ledger-error';
import { GrammarGenerator } from '../../gpu-agent/generators/grammar.generator';
import { ArtifactStore } from '../../src/ledger/artifact-store';
import { loadExperimentConfig } from '../../src/config/load-config';

const FASHION: AnalysisContext = { inShape: [1, 28, 28], classes: 10, parameterBudget: 500_000 };
const isValid = (d: GrammarDecisions): boolean => analysePlan(planArchitecture(d), FASHION).failure === null;

function draws(theta: GrammarTheta, temperature: number, n: number, seed: number): GrammarDecisions[] {
  const sampling = temperedTheta(theta, temperature);
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => sampleDecisions(sampling, rng));
}

/** Share of near-duplicate pairs (exact Jaccard over the novelty filter's shingles, J > 0.9) among 100 draws. */
const nearDuplicateShare = (theta: GrammarTheta, temperature: number): number =>
  nearDuplicateStats(draws(theta, temperature, 100, 99).map(renderProgram), DEFAULT_NOVELTY, DEFAULT_NOVELTY.nearDuplicateTau).share;

/** A fixed elite set: the first six statically valid programs of the initial θ. */
function fixedElites(): GrammarDecisions[] {
  const rng = seededRng(5);
  const elites: GrammarDecisions[] = [];
  while (elites.length < 6) {
    const d = sampleDecisions(initialTheta(), rng);
    if (isValid(d)) elites.push(d);
  }
  return elites;
}

function afterUpdates(k: number): GrammarTheta {
  const elites = fixedElites();
  let theta = initialTheta();
  for (let i = 0; i < k; i++) theta = ceUpdate(theta, elites).theta;
  return theta;
}

describe('the grammar decoding temperature', () => {
  it('sharpens every decision by 1/T (p^(1/T) renormalised) and leaves θ untouched at T = 1', () => {
    const theta = initialTheta();
    assert.equal(temperedTheta(theta, 1), theta);
    const sharp = temperedTheta(theta, 0.2);
    for (const d of DECISION_NAMES) {
      const powered = theta[d].map((p) => p ** 5);
      const sum = powered.reduce((s, x) => s + x, 0);
      sharp[d].forEach((p, i) => assert.ok(Math.abs(p - powered[i]! / sum) < 1e-12, `${d}[${i}]`));
    }
    assert.ok(sharp.kernel[0]! > 0.9, `3x3 kernels at T=0.2: ${sharp.kernel[0]}`);
    assert.ok(temperedTheta(theta, 5).kernel[0]! < theta.kernel[0]!, 'T > 1 flattens');
  });

  it('after k CE updates on a fixed elite set, near-duplicates among 100 draws rise at T = 0.2 and stay near T = 1 (today) levels', () => {
    const today = nearDuplicateShare(initialTheta(), 1);
    const sharp = [0, 1, 3].map((k) => nearDuplicateShare(afterUpdates(k), 0.2));
    const flat = [1, 3].map((k) => nearDuplicateShare(afterUpdates(k), 1));
    assert.ok(sharp[0]! < 0.01, `T=0.2 before any update: ${sharp[0]}`);
    assert.ok(sharp[1]! > sharp[0]! + 0.05 && sharp[2]! >= sharp[1]!, `T=0.2 shares by k: ${sharp.join(', ')}`);
    assert.ok(sharp[2]! > 0.15, `T=0.2 after 3 updates: ${sharp[2]}`);
    for (const share of flat) assert.ok(share < today + 0.01, `T=1 after updates ${share} vs today ${today}`);
  });

  it('is part of the generator version: a fine-tune carries it on, and a T = 1 version keeps its old name', async () => {
    const artifacts = new ArtifactStore(mkdtempSync(join(tmpdir(), 'grammar-temp-')));
    const cold = GrammarGenerator.open({ artifacts, temperature: 0.2 });
    const plain = GrammarGenerator.open({ artifacts, temperature: 1 });
    assert.notEqual(cold.ref.version, plain.ref.version);
    assert.equal(plain.ref.version, thetaVersion(initialTheta()), 'T = 1 names the version as before temperatures');
    const [program] = await cold.generate(1, 3, { dataset: 'fashion-mnist', parameterBudget: 500_000, delta: false, corpus: [] });
    assert.equal(program!.decoding.temperature, 0.2);
    const tuned = await cold.fineTune(1, [{ entryId: 'e', codeHash: 'h', code: renderProgram(fixedElites()[0]!) } as never]);
    const reopened = GrammarGenerator.open({ artifacts, version: tuned.to.version });
    assert.equal(reopened.temperature, 0.2);
    assert.equal(reopened.ref.version, tuned.to.version);
  });

  it('refuses T <= 0, above the range, or not a number with BAD_INPUT naming the allowed range', () => {
    for (const bad of [0, -1, 11, Number.NaN, 'warm', '', null]) {
      assert.throws(() => checkGrammarTemperature(bad, '--grammar-temperature'),
        (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT' && /\(0, 10\]/.test(e.message), String(bad));
    }
    assert.equal(checkGrammarTemperature('0.3'), 0.3);
  });

  it('in a config: grammarTemperature <= 0 or not a number is BAD_INPUT listing the allowed range; it enters the config hash', () => {
    for (const bad of [0, -0.5, 'cold']) {
      assert.throws(() => loadExperimentConfig({ overrides: { grammarTemperature: bad as number } }),
        (e: unknown) => e instanceof LedgerError && e.code === 'BAD_INPUT' && /grammarTemperature: must be a number in \(0, 10\]/.test(e.message), String(bad));
    }
    const cold = loadExperimentConfig({ overrides: { grammarTemperature: 0.2 } });
    assert.equal(cold.grammarTemperature, 0.2);
    assert.notEqual(configHash(cold), configHash(loadExperimentConfig({ overrides: { grammarTemperature: 1 } })));
  });
});
