import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fSurvival, kendallTauB, pearson, proxyNoise, spearman, spearmanFromPearson } from './index';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);

/** Reference values from scipy 1.10.1 / numpy (/usr/bin/python3), the call beside each number. */
describe('proxy noise: one-way random-effects variance components (seed 000 Definition 8)', () => {
  const groups = [[0.712, 0.698, 0.705], [0.655, 0.671, 0.662], [0.801, 0.792, 0.799], [0.610, 0.640, 0.628]];

  it('matches scipy.stats.f_oneway and numpy variances on a balanced study (4 architectures x 3 seeds)', () => {
    const noise = proxyNoise(groups);
    // scipy.stats.f_oneway(*g) -> F_onewayResult(statistic=179.8163764130759, pvalue=1.11565933916208e-07)
    close(noise.f, 179.8163764130759);
    close(noise.fPValue, 1.11565933916208e-07, 1e-6);
    // np.mean([np.var(x, ddof=1) for x in g]) -> 9.091666666666683e-05
    close(noise.noiseVariance, 9.091666666666683e-05);
    // 3 * np.var([np.mean(x) for x in g], ddof=1) -> 0.01634830555555556
    close(noise.msBetween, 0.01634830555555556);
    // (msb - msw) / 3 -> 0.005419129629629631
    close(noise.architectureVariance, 0.005419129629629631);
    close(noise.snr, 0.005419129629629631 / 9.091666666666683e-05);
    assert.equal(noise.runsPerArchitecture, 3);
  });

  it('matches scipy.stats.f_oneway on unequal run counts; an architecture with one run is left out', () => {
    // scipy.stats.f_oneway([0.5,0.52],[0.61,0.58,0.6,0.63],[0.55,0.57,0.54]) -> (19.576271186440646, 0.0023464274171907584)
    const noise = proxyNoise([[0.5, 0.52], [0.61, 0.58, 0.6, 0.63], [0.55, 0.57, 0.54], [0.9]]);
    assert.equal(noise.architectures, 3);
    close(noise.f, 19.576271186440646);
    close(noise.fPValue, 0.0023464274171907584, 1e-6);
  });

  it('F upper tail: scipy.stats.f.sf(2.5, 3, 8) -> 0.1334845350215779', () => {
    close(fSurvival(2.5, 3, 8), 0.1334845350215779, 1e-7);
  });

  it('identical runs and equal architectures: SNR is NaN, not a number made up', () => {
    assert.ok(Number.isNaN(proxyNoise([[0.5, 0.5], [0.5, 0.5]]).snr));
    assert.equal(proxyNoise([[0.5, 0.5], [0.6, 0.6]]).snr, Infinity);
    assert.throws(() => proxyNoise([[0.5, 0.6]]), RangeError);
  });
});

describe('proxy/full correlations with ties, as a proxy study reports them', () => {
  const x = [0.712, 0.705, 0.705, 0.690, 0.688, 0.671, 0.671, 0.650];
  const y = [0.881, 0.870, 0.875, 0.860, 0.868, 0.840, 0.845, 0.845];

  it('Pearson, Spearman (average ranks) and Kendall tau-b with their p-values match scipy', () => {
    // scipy.stats.pearsonr(x, y) -> (0.9116799079073998, 0.0016102660718115306)
    const p = pearson(x, y);
    close(p.coefficient, 0.9116799079073998);
    close(p.pValue, 0.0016102660718115306, 1e-6);
    // scipy.stats.spearmanr(x, y) -> (0.9151683228048982, 0.0014307538559247947)
    const s = spearman(x, y);
    close(s.coefficient, 0.9151683228048982);
    close(s.pValue, 0.0014307538559247947, 1e-6);
    // scipy.stats.kendalltau(x, y, method='asymptotic') -> (0.792593923901217, 0.007852676525090892)
    const k = kendallTauB(x, y);
    close(k.coefficient, 0.792593923901217);
    close(k.pValue, 0.007852676525090892, 1e-6);
    // 6 / np.pi * np.arcsin(r / 2) with r = pearsonr(x, y)[0] -> 0.9039663791944704
    close(spearmanFromPearson(p.coefficient), 0.9039663791944704);
  });
});
