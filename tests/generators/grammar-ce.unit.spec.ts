import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DECISION_NAMES, initialTheta, sampleDecisions, thetaVersion, type GrammarDecisions, type GrammarTheta } from '../../domain/generators/grammar';
import { planArchitecture } from '../../domain/generators/grammar-plan';
import { analysePlan, type AnalysisContext } from '../../domain/generators/grammar-analysis';
import { ceUpdate, massOn } from '../../domain/generators/ce-update';
import { seededRng } from '../../domain/generators/rng';

const FASHION: AnalysisContext = { inShape: [1, 28, 28], classes: 10, parameterBudget: 500_000 };

function sample(theta: GrammarTheta, n: number, seed: number): GrammarDecisions[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => sampleDecisions(theta, rng));
}

const isValid = (d: GrammarDecisions): boolean => analysePlan(planArchitecture(d), FASHION).failure === null;
const failuresAt = (theta: GrammarTheta, stage: string): number =>
  sample(theta, 1000, 55).filter((d) => analysePlan(planArchitecture(d), FASHION).failure?.stage === stage).length / 1000;
const validRate = (theta: GrammarTheta, seed: number): number => sample(theta, 1000, seed).filter(isValid).length / 1000;

describe('the grammar θ before any update', () => {
  it('yields roughly 30-50% statically valid programs on Fashion-MNIST, failing at every kind of stage', () => {
    const programs = sample(initialTheta(), 1000, 7);
    const stages = new Map<string, number>();
    for (const d of programs) {
      const stage = analysePlan(planArchitecture(d), FASHION).failure?.stage ?? 'ok';
      stages.set(stage, (stages.get(stage) ?? 0) + 1);
    }
    const rate = (stages.get('ok') ?? 0) / 1000;
    assert.ok(rate >= 0.3 && rate <= 0.5, `initial valid rate ${rate}`);
    for (const stage of ['budget', 'forward', 'instantiate']) assert.ok((stages.get(stage) ?? 0) > 20, `too few ${stage} failures: ${JSON.stringify([...stages])}`);
  });
});

describe('the Cross-Entropy update on valid-only corpora', () => {
  it('moves mass away from budget-busting and map-shrinking choices, raises validity, and never reaches 0', () => {
    let theta = initialTheta();
    const before = {
      wide: massOn(theta, 'width', [96, 128]),
      flatten: massOn(theta, 'head', ['flatten_fixed']),
      forwardFailures: failuresAt(theta, 'forward'),
      valid: validRate(theta, 100),
    };
    for (let round = 0; round < 4; round += 1) {
      const elites = sample(theta, 200, 1000 + round).filter(isValid).slice(0, 40);
      assert.ok(elites.length >= 20, `round ${round}: only ${elites.length} valid programs`);
      theta = ceUpdate(theta, elites).theta;
    }
    const after = {
      wide: massOn(theta, 'width', [96, 128]),
      flatten: massOn(theta, 'head', ['flatten_fixed']),
      forwardFailures: failuresAt(theta, 'forward'),
      valid: validRate(theta, 100),
    };
    assert.ok(after.wide < before.wide * 0.8, `wide stems ${before.wide} -> ${after.wide}`);
    assert.ok(after.flatten < before.flatten * 0.6, `flatten head ${before.flatten} -> ${after.flatten}`);
    assert.ok(after.forwardFailures < before.forwardFailures * 0.6, `forward failures ${before.forwardFailures} -> ${after.forwardFailures}`);
    assert.ok(after.valid > before.valid + 0.15, `valid rate ${before.valid} -> ${after.valid}`);
    for (const d of DECISION_NAMES) {
      assert.ok(Math.abs(theta[d].reduce((s, p) => s + p, 0) - 1) < 1e-9, `${d} does not sum to 1`);
      assert.ok(Math.min(...theta[d]) > 0.005, `${d} has a choice near 0: ${theta[d].join(', ')}`);
    }
  });

  it('is the convex mix (1-α)θ + α·MLE with add-λ smoothing', () => {
    const theta = initialTheta();
    const elite = sample(theta, 1, 3)[0]!;
    const next = ceUpdate(theta, [elite, elite], { alpha: 0.5, smoothing: 1, floor: 0 }).theta;
    const k = theta.norm.length;
    const chosen = ['batch', 'group', 'none'].indexOf(elite.norm);
    const mle = (2 + 1) / (2 + k);
    assert.ok(Math.abs(next.norm[chosen]! - (0.5 / k + 0.5 * mle)) < 1e-12);
    assert.notEqual(thetaVersion(next), thetaVersion(theta));
  });

  it('leaves θ unchanged when no elite carries decisions', () => {
    const theta = initialTheta();
    const result = ceUpdate(theta, []);
    assert.equal(result.used, 0);
    assert.equal(thetaVersion(result.theta), thetaVersion(theta));
  });
});
