import { DEFAULT_CONFIG } from '../../domain/experiment/config';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DECISION_NAMES, initialTheta, sampleDecisions, thetaVersion, type GrammarDecisions, type GrammarTheta } from '../../domain/generators/grammar';
import { planArchitecture } from '../../domain/generators/grammar-plan';
import { analysePlan, type AnalysisContext } from '../../domain/generators/grammar-analysis';
import { ceUpdate, massOn, DEFAULT_CE_UPDATE, type CeUpdateOptions } from '../../domain/generators/ce-update';
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
  it('yields roughly 40-60% statically valid programs on Fashion-MNIST, failing at every kind of stage', () => {
    const programs = sample(initialTheta(), 1000, 7);
    const stages = new Map<string, number>();
    for (const d of programs) {
      const stage = analysePlan(planArchitecture(d), FASHION).failure?.stage ?? 'ok';
      stages.set(stage, (stages.get(stage) ?? 0) + 1);
    }
    const rate = (stages.get('ok') ?? 0) / 1000;
    assert.ok(rate >= 0.4 && rate <= 0.6, `initial valid rate ${rate}`);
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
    assert.ok(Math.abs(next.norm[chosen]! - (0.5 * theta.norm[chosen]! + 0.5 * mle)) < 1e-12);
    assert.notEqual(thetaVersion(next), thetaVersion(theta));
  });

  it('scales the step by the evidence: α·n/(n + evidence) for n elites', () => {
    const theta = initialTheta();
    const elite = sample(theta, 1, 3)[0]!;
    const chosen = ['batch', 'group', 'none'].indexOf(elite.norm);
    const k = theta.norm.length;
    for (const n of [1, 3, 30]) {
      const next = ceUpdate(theta, Array.from({ length: n }, () => elite), { alpha: 0.9, smoothing: 1, floor: 0, evidence: 3 }).theta;
      const step = 0.9 * n / (n + 3);
      const mle = (n + 1) / (n + k);
      assert.ok(Math.abs(next.norm[chosen]! - ((1 - step) * theta.norm[chosen]! + step * mle)) < 1e-12, `n = ${n}`);
    }
    assert.throws(() => ceUpdate(theta, [elite], { alpha: 0.9, smoothing: 1, floor: 0, evidence: -1 }), RangeError);
  });

  it('leaves θ unchanged when no elite carries decisions', () => {
    const theta = initialTheta();
    const result = ceUpdate(theta, []);
    assert.equal(result.used, 0);
    assert.equal(thetaVersion(result.theta), thetaVersion(theta));
  });
});

/**
 * A stand-in for the one-epoch proxy with the shape measured on the CPU runner (2,048 Fashion-MNIST images):
 * GAP heads and RMSprop at lr 0.01 learn slowly, pooled-4x4 and flatten heads and AdamW learn fast, no norm and
 * deep stacks cost a little; plus noise. Only its shape matters here: admission depends on the decisions.
 */
function proxyAccuracy(d: GrammarDecisions, rng: { next(): number }): number {
  const head = { gap_linear: 0, gap_mlp: 0.1, pool4_linear: 0.26, flatten_fixed: 0.45 }[d.head];
  const optimizer = { sgd: 0, sgd_nesterov: -0.05, adamw: 0.17, rmsprop: -0.14 }[d.optimizer];
  const norm = { batch: 0, group: -0.02, none: -0.09 }[d.norm];
  const noise = (rng.next() + rng.next() + rng.next() - 1.5) * 0.2;
  return 0.26 + head + optimizer + norm + (d.stages >= 3 ? -0.11 : 0) + noise;
}

const meanProxyOfValid = (theta: GrammarTheta, seed: number): number => {
  const rng = seededRng(seed);
  const valid = sample(theta, 2000, seed).filter(isValid);
  return valid.reduce((s, d) => s + proxyAccuracy(d, rng), 0) / valid.length;
};

/** Expected valid rate and proxy accuracy per cycle, averaged over runs of the loop with this update. */
function loopSizedRuns(options: CeUpdateOptions = DEFAULT_CE_UPDATE, cycles = 6): { valid: number[]; accuracy: number[] } {
  const runs = [1, 2, 3, 4];
  const valid = Array.from({ length: cycles }, () => 0);
  const accuracy = Array.from({ length: cycles }, () => 0);
  for (const run of runs) {
    let theta = initialTheta();
    const corpus: GrammarDecisions[] = [];
    const rng = seededRng(9000 + run);
    for (let cycle = 0; cycle < cycles; cycle += 1) {
      valid[cycle]! += validRate(theta, 300 + cycle) / runs.length;
      accuracy[cycle]! += meanProxyOfValid(theta, 400 + cycle) / runs.length;
      for (let i = 0; i < DEFAULT_CONFIG.candidatesPerCycle; i += 1) {
        const d = sampleDecisions(theta, rng);
        if (isValid(d) && proxyAccuracy(d, rng) >= 0.3) corpus.push(d);
      }
      theta = ceUpdate(theta, corpus, options).theta; // the corpus is cumulative, as the loop's is
    }
  }
  return { valid, accuracy };
}

describe(`the default Cross-Entropy update in a loop-sized run (${DEFAULT_CONFIG.candidatesPerCycle} candidates a cycle, τ 0.30)`, () => {
  it('raises the expected valid rate and proxy accuracy cycle after cycle, learning only from admitted programs', () => {
    const { valid, accuracy } = loopSizedRuns();
    const last = valid.length - 1;
    const shown = `valid ${valid.map((v) => v.toFixed(2)).join(' ')}; accuracy ${accuracy.map((a) => a.toFixed(3)).join(' ')}`;
    if (process.env.GRAMTUNE_SHOW) console.log(shown);
    assert.ok(valid[0]! < 0.6, `the prior is already too good: ${shown}`);
    assert.ok(valid[last]! >= 0.8, `validity did not reach 80% by cycle ${last + 1}: ${shown}`);
    assert.ok(accuracy[last]! >= accuracy[0]! + 0.08, `proxy accuracy did not rise: ${shown}`);
    for (let c = 1; c <= last; c += 1) {
      assert.ok(valid[c]! >= valid[c - 1]! - 0.02, `validity fell at cycle ${c + 1}: ${shown}`);
      assert.ok(accuracy[c]! >= accuracy[c - 1]! - 0.01, `accuracy fell at cycle ${c + 1}: ${shown}`);
    }
  });

  it('learns more from the same loop than the earlier small step and large pseudo-count', () => {
    // α 0.5 and λ 0.5 are what left `make run` flat; this pins down that the difference is the update.
    const strong = loopSizedRuns().valid;
    const weak = loopSizedRuns({ alpha: 0.5, smoothing: 0.5, floor: 0.01 }).valid;
    assert.ok(strong[5]! > weak[5]! + 0.05, `cycle 6: default ${strong[5]} vs weak ${weak[5]}`);
  });
});
