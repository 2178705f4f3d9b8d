/**
 * The trend and ratio statistics against numbers computed once by scipy 1.10.1 / numpy (/usr/bin/python3, Debian
 * python3-scipy), hard-coded here with the call that produced them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bonferroni, linearTrend, mannKendall, proportionRatio, smoothed } from './index';

const close = (actual: number, expected: number, relative: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), 1e-300),
    `${what} ${actual} differs from ${expected} by more than ${relative} relative`);

const rising = [0.41, 0.44, 0.43, 0.47, 0.52, 0.50, 0.55, 0.58];

describe('the Mann–Kendall trend test', () => {
  it('matches scipy.stats.kendalltau(range(1, n+1), values, method="asymptotic")', () => {
    const cases: Array<[number[], number, number]> = [
      [rising, 0.8571428571428571, 0.002985470891268815],
      // ties in the values: the tie-corrected variance
      [[0.5, 0.5, 0.48, 0.52, 0.5, 0.47], -0.29814239699997197, 0.4205962375999266],
      [[0.7, 0.65, 0.6, 0.62, 0.55, 0.5, 0.52, 0.45, 0.4, 0.41], -0.8666666666666666, 0.00048616407497926886],
    ];
    for (const [values, tau, p] of cases) {
      const result = mannKendall(values);
      close(result.coefficient, tau, 1e-12, 'tau');
      close(result.pValue, p, 1e-6, 'p');
    }
  });
});

describe('the least-squares trend', () => {
  it('matches scipy.stats.linregress(x, y): slope, intercept, stderr, p-value', () => {
    const cases: Array<[number[], number[], number, number, number, number]> = [
      [[1, 2, 3, 4, 5], [0.70, 0.72, 0.71, 0.74, 0.75], 0.01200000000000001, 0.688, 0.003055050463303896, 0.029370494881300013],
      [[18, 19, 20, 21, 22], [0.74, 0.73, 0.76, 0.75, 0.74], 0.0020000000000000018, 0.704, 0.004000000000000004, 0.651447964848151],
    ];
    for (const [x, y, slope, intercept, stderr, p] of cases) {
      const line = linearTrend(x, y);
      close(line.slope, slope, 1e-9, 'slope');
      close(line.intercept, intercept, 1e-9, 'intercept');
      close(line.slopeStdErr, stderr, 1e-9, 'stderr');
      close(line.pValue, p, 1e-7, 'p');
    }
  });

  it('refuses a line through one x value', () => {
    assert.throws(() => linearTrend([3, 3, 3], [1, 2, 3]), RangeError);
  });
});

describe('the ratio of two proportions', () => {
  it('matches scipy.stats.contingency.relative_risk(x1, n1, x2, n2).confidence_interval(0.95) (Katz)', () => {
    const cases: Array<[number, number, number, number, number, number, number]> = [
      [141, 200, 100, 200, 1.41, 1.1954598952266395, 1.6630419873876978],
      [155, 208, 110, 208, 1.4090909090909092, 1.211732594655883, 1.6385935303213597],
      [30, 50, 20, 50, 1.4999999999999998, 0.9974692771207866, 2.2557085732952755],
      [5, 10, 1, 10, 5.0, 0.7043174704660875, 35.49535692115668],
    ];
    for (const [x1, n1, x2, n2, ratio, low, high] of cases) {
      const result = proportionRatio(x1, n1, x2, n2);
      close(result.ratio, ratio, 1e-12, 'ratio');
      // z = normalQuantile(0.975) against scipy's ndtri: both good to about 1e-9
      close(result.interval![0], low, 1e-7, 'low');
      close(result.interval![1], high, 1e-7, 'high');
    }
  });

  it('has no interval when a count is zero, and refuses impossible counts', () => {
    assert.equal(proportionRatio(0, 10, 3, 10).interval, null);
    assert.throws(() => proportionRatio(11, 10, 3, 10), RangeError);
    assert.throws(() => proportionRatio(1, 0, 3, 10), RangeError);
  });
});

describe('the 3-cycle smoothed means', () => {
  it('match numpy.convolve(values, numpy.ones(3)/3, mode="valid") inside and the 2-point means at the ends', () => {
    const got = smoothed(rising);
    const inside = [0.42666666666666664, 0.44666666666666666, 0.4733333333333333, 0.4966666666666666, 0.5233333333333333, 0.5433333333333332];
    inside.forEach((v, i) => close(got[i + 1]!, v, 1e-12, `point ${i + 1}`));
    // numpy.mean(values[:2]), numpy.mean(values[-2:])
    close(got[0]!, 0.425, 1e-12);
    close(got[7]!, 0.565, 1e-12);
  });
});

describe('Bonferroni over the studies compared', () => {
  it('multiplies each p by m, capped at 1 (the definition; statsmodels is not installed here)', () => {
    // [min(1, p * 3) for p in [0.004, 0.03, 0.6]]
    const result = bonferroni([0.004, 0.03, 0.6]);
    close(result.adjusted[0]!, 0.012, 1e-12);
    close(result.adjusted[1]!, 0.09, 1e-12);
    assert.equal(result.adjusted[2], 1);
    assert.deepEqual(result.significant, [true, false, false]);
  });
});
