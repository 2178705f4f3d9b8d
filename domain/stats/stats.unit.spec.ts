/**
 * Statistics against external values: textbook identities and numbers computed by scipy 1.10.1
 * (/usr/bin/python3, Debian python3-scipy), hard-coded here with the call that produced them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bonferroni, kendallTauB, median, normalCdf, normalQuantile, normalSurvival, pearson, proxyReliability, spearman,
  spearmanFromPearson, studentTCdf, studentTQuantile, studentTTwoSidedP, tInterval, wilsonInterval, averageRanks,
} from './index';

const close = (actual: number, expected: number, relative: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), 1e-300),
    `${what} ${actual} differs from ${expected} by more than ${relative} relative`);

describe('the Wilson score interval', () => {
  it('gives [0.312, 0.577] for 22 valid of 50 (PROTOCOLS.md and the paper\'s no-iteration row)', () => {
    const [low, high] = wilsonInterval(22, 50)!;
    assert.equal(low.toFixed(3), '0.312');
    assert.equal(high.toFixed(3), '0.577');
  });

  it('matches scipy', () => {
    // scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method='wilson') -> (low, high)
    const cases: Array<[number, number, number, number]> = [
      [22, 50, 0.3116219921125717, 0.5769397197834314],
      [155, 208, 0.6818988191405024, 0.7995933333768874],
      [0, 10, 0.0, 0.27753279986288926],
      [10, 10, 0.7224672001371109, 1.0],
      [1, 1, 0.20654931437723745, 1.0],
    ];
    // z = 1.959964 (PROTOCOLS.md) versus scipy's 1.959963984540054 moves the bounds by < 1e-7.
    for (const [k, n, low, high] of cases) {
      const ci = wilsonInterval(k, n)!;
      assert.ok(Math.abs(ci[0] - low) < 1e-7 && Math.abs(ci[1] - high) < 1e-7, `${k}/${n}: ${JSON.stringify(ci)} vs [${low}, ${high}]`);
    }
  });

  it('has no interval without trials and refuses impossible counts', () => {
    assert.equal(wilsonInterval(0, 0), null);
    assert.throws(() => wilsonInterval(5, 4), RangeError);
    assert.throws(() => wilsonInterval(1.5, 4), RangeError);
  });
});

describe('the Student-t distribution', () => {
  it('has the 0.975 quantile of scipy for df 1, 2, 3, 5, 10, 30, 100', () => {
    // scipy.stats.t.ppf(0.975, df)
    const expected: Record<number, number> = {
      1: 12.706204736432095, 2: 4.302652729911275, 3: 3.182446305284263, 5: 2.5705818366147395,
      10: 2.2281388519649385, 30: 2.0422724563012373, 100: 1.9839715184496334,
    };
    // scipy's ppf (cephes stdtri) is itself good to about 1e-9 relative: scipy.stats.t.sf(scipy.stats.t.ppf(0.975, 6), 6)
    // = 0.02500000008. Hence 1e-8 here; the round trip through the CDF below checks our quantile to 1e-10.
    for (const [df, t] of Object.entries(expected)) close(studentTQuantile(0.975, Number(df)), t, 1e-8, `df ${df}`);
  });

  it('has scipy quantiles away from 0.975, in both tails and far out', () => {
    // scipy.stats.t.ppf(p, df)
    const cases: Array<[number, number, number]> = [
      [0.995, 4, 4.604094871415897], [0.9, 7, 1.4149239276488585], [0.999999, 3, 103.29946802091516],
      [0.05, 12, -1.7822875556491593], [0.6, 50, 0.2546993429490219], [0.975, 1000, 1.9623390808264074],
    ];
    for (const [p, df, t] of cases) close(studentTQuantile(p, df), t, 1e-8, `p ${p} df ${df}`);
  });

  it('has the CDF and two-sided tail of scipy', () => {
    // scipy.stats.t.cdf(t, df), and 2 * scipy.stats.t.sf(abs(t), df)
    const cases: Array<[number, number, number, number]> = [
      [2.0, 5, 0.9490302605850709, 0.10193947882985828],
      [-1.3, 3, 0.14223375436394847, 0.28446750872789694],
      [0.5, 1, 0.6475836176504333, 0.7048327646991336],
      [4.0, 20, 0.9996482383534359, 0.0007035232931283182],
      [10.0, 8, 0.9999957559092362, 8.4881815276285e-06],
      [-25.0, 2, 0.0007980851057051669, 0.0015961702114103337],
      [1.96, 1e6, 0.9750019662073651, 0.04999606758526978],
    ];
    for (const [t, df, cdf, twoSided] of cases) {
      close(studentTCdf(t, df), cdf, 1e-10, `cdf(${t}, ${df})`);
      close(studentTTwoSidedP(t, df), twoSided, 1e-9, `two-sided(${t}, ${df})`);
    }
  });

  it('inverts its own CDF', () => {
    for (const df of [1.5, 3, 17, 250]) for (const p of [0.001, 0.2, 0.5, 0.8, 0.9999]) close(studentTCdf(studentTQuantile(p, df), df), p, 1e-10);
  });
});

describe('the normal distribution', () => {
  it('matches scipy', () => {
    close(normalCdf(1), 0.8413447460685429, 1e-14, 'scipy.stats.norm.cdf(1.0)');
    close(normalSurvival(6), 9.865876450376946e-10, 1e-10, 'scipy.stats.norm.sf(6.0)');
    close(normalQuantile(0.975), 1.959963984540054, 1e-12, 'scipy.stats.norm.ppf(0.975)');
    close(normalQuantile(1e-10), -6.361340902404056, 1e-12, 'scipy.stats.norm.ppf(1e-10)');
  });
});

describe('the t interval of a mean', () => {
  const accuracies = [0.28, 0.31, 0.35, 0.40, 0.42, 0.47, 0.29];
  it('matches scipy', () => {
    // scipy.stats.t.interval(0.95, 6, loc=numpy.mean(v), scale=scipy.stats.sem(v)) -> (0.2933084247150286, 0.42669157528497137)
    const result = tInterval(accuracies)!;
    close(result.mean, 0.36, 1e-12);
    close(result.interval[0], 0.2933084247150286, 1e-8); // scipy's t.ppf carries ~1e-9 (see above)
    close(result.interval[1], 0.42669157528497137, 1e-8);
  });

  it('is wider than a normal interval for a small sample (no normal approximation)', () => {
    const t = tInterval([0.5, 0.6, 0.7])!;
    assert.ok(t.halfWidth / (0.1 / Math.sqrt(3)) > 4.3, `t(0.975, 2) = 4.30 expected, got ${t.halfWidth / (0.1 / Math.sqrt(3))}`);
  });

  it('has no interval below two values', () => assert.equal(tInterval([0.5]), null));
});

describe('the median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    // numpy.median(v) = 0.35; numpy.median(v[:6]) = 0.375
    assert.equal(median([0.28, 0.31, 0.35, 0.40, 0.42, 0.47, 0.29]), 0.35);
    close(median([0.28, 0.31, 0.35, 0.40, 0.42, 0.47]), 0.375, 1e-15);
    assert.throws(() => median([]), RangeError);
  });
});

describe('rank correlations', () => {
  const proxy = [0.31, 0.28, 0.45, 0.52, 0.40, 0.38, 0.47, 0.29, 0.50, 0.44, 0.36, 0.41];
  const full = [0.62, 0.55, 0.71, 0.78, 0.66, 0.60, 0.74, 0.58, 0.80, 0.69, 0.66, 0.70];

  it('match scipy without ties in x (ties in y)', () => {
    // scipy.stats.pearsonr(x, y) -> (0.9471672737605071, 2.965751105066598e-06)
    const p = pearson(proxy, full);
    close(p.coefficient, 0.9471672737605071, 1e-12); close(p.pValue, 2.965751105066598e-06, 1e-8);
    // scipy.stats.spearmanr(x, y) -> (0.9597212616235344, 7.802781650309768e-07)
    const s = spearman(proxy, full);
    close(s.coefficient, 0.9597212616235344, 1e-12); close(s.pValue, 7.802781650309768e-07, 1e-8);
    // scipy.stats.kendalltau(x, y, method='asymptotic') -> (0.8702543635872545, 8.93395426626871e-05)
    const k = kendallTauB(proxy, full);
    close(k.coefficient, 0.8702543635872545, 1e-12); close(k.pValue, 8.93395426626871e-05, 1e-8);
  });

  it('match scipy with ties in both variables', () => {
    const a = [1, 2, 2, 3, 4, 4, 4, 5, 6, 7];
    const b = [2, 1, 3, 3, 5, 4, 6, 6, 8, 7];
    // scipy.stats.pearsonr(a, b) -> (0.91305728641498, 0.00022483521855769665)
    const p = pearson(a, b);
    close(p.coefficient, 0.91305728641498, 1e-12); close(p.pValue, 0.00022483521855769665, 1e-8);
    // scipy.stats.spearmanr(a, b) -> (0.93812095999547, 5.950220707696837e-05)
    const s = spearman(a, b);
    close(s.coefficient, 0.93812095999547, 1e-12); close(s.pValue, 5.950220707696837e-05, 1e-8);
    // scipy.stats.kendalltau(a, b, method='asymptotic') -> (0.8335696394016967, 0.0013041918629363403)
    const k = kendallTauB(a, b);
    close(k.coefficient, 0.8335696394016967, 1e-12); close(k.pValue, 0.0013041918629363403, 1e-8);
  });

  it('match scipy for a weak association', () => {
    const c = [5, 3, 4, 1, 2, 6, 8, 7];
    const d = [1, 2, 3, 4, 5, 6, 7, 8];
    // scipy.stats.spearmanr(c, d) -> (0.5476190476190477, 0.1600256425388966)
    const s = spearman(c, d);
    close(s.coefficient, 0.5476190476190477, 1e-12); close(s.pValue, 0.1600256425388966, 1e-9);
    // scipy.stats.kendalltau(c, d, method='asymptotic') -> (0.3571428571428571, 0.21602058095545884)
    const k = kendallTauB(c, d);
    close(k.coefficient, 0.3571428571428571, 1e-12); close(k.pValue, 0.21602058095545884, 1e-9);
  });

  it('average tied ranks (textbook: 10, 20, 20, 30 -> 1, 2.5, 2.5, 4)', () =>
    assert.deepEqual(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]));

  it('are undefined for a constant variable', () => {
    assert.ok(Number.isNaN(pearson([1, 2, 3], [4, 4, 4]).coefficient));
    assert.ok(Number.isNaN(kendallTauB([1, 2, 3], [4, 4, 4]).coefficient));
  });
});

describe('proxy reliability', () => {
  it('is 0 at SNR 0 and 1 as SNR grows without bound (textbook limits)', () => {
    const none = proxyReliability(0);
    assert.equal(none.snr, 0); assert.equal(none.predictedPearson, 0); assert.equal(none.predictedSpearman, 0);
    const perfect = proxyReliability(1);
    assert.equal(perfect.snr, Infinity); close(perfect.predictedSpearman, 1, 1e-15); // (6/π)·asin(1/2) = 1
  });

  it('gives SNR 1 and rho = 1/sqrt(2) at R² = 1/2', () => {
    const r = proxyReliability(0.5);
    close(r.snr, 1, 1e-15); close(r.predictedPearson, Math.SQRT1_2, 1e-15);
  });

  it('predicts the Spearman rho of a simulated bivariate normal', () => {
    // numpy.random.default_rng(20261123).multivariate_normal([0,0], [[1,r],[r,1]], 1_000_000) with r = sqrt(1/2):
    // scipy.stats.spearmanr(...) -> 0.6902725467457369 (Monte Carlo standard error about 0.0005)
    const predicted = proxyReliability(0.5).predictedSpearman;
    assert.ok(Math.abs(predicted - 0.6902725467457369) < 0.002, `predicted ${predicted}`);
    // Pearson's (1907) table: rho 0.5 -> rho_S 0.4826 ((6/π)·asin(0.25) = 0.4825837395309974)
    close(spearmanFromPearson(0.5), 0.4825837395309974, 1e-12);
  });

  it('increases with SNR', () => {
    const values = [0, 0.1, 0.3, 0.6, 0.9, 0.99].map((r2) => proxyReliability(r2).predictedSpearman);
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!);
  });
});

describe('the Bonferroni correction', () => {
  it('multiplies each p by the number of tests, capped at 1', () => {
    const result = bonferroni([0.01, 0.02, 0.4]);
    assert.deepEqual(result.adjusted.map((p) => Number(p.toFixed(12))), [0.03, 0.06, 1]);
    assert.deepEqual(result.significant, [true, false, false]);
    close(result.perTestAlpha, 0.05 / 3, 1e-15);
  });
});
