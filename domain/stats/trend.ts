import { mean } from './descriptive';
import { kendallTauB, type Correlation } from './correlation';
import { normalQuantile } from './normal';
import { studentTTwoSidedP } from './student-t';
import type { Interval } from './intervals';

/**
 * Mann–Kendall trend test of a series in time order: Kendall's tau-b between the time index and the values, with the
 * tie-corrected variance of S and no continuity correction, so its p-value is scipy.stats.kendalltau(range(n), values,
 * method='asymptotic').pvalue. The sign of the coefficient is the trend's direction.
 */
export function mannKendall(values: readonly number[]): Correlation {
  const result = kendallTauB(values.map((_, i) => i + 1), values);
  return { ...result, method: 'Mann–Kendall: tau-b of time vs value, normal approximation with tie-corrected variance' };
}

export interface LinearTrend {
  readonly n: number;
  readonly slope: number;
  readonly intercept: number;
  readonly slopeStdErr: number;
  /** Two-sided p-value of slope = 0 (t with n − 2 degrees of freedom); NaN below 3 points. */
  readonly pValue: number;
}

/** Ordinary least squares y = intercept + slope·x, as scipy.stats.linregress. */
export function linearTrend(x: readonly number[], y: readonly number[]): LinearTrend {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length: ${x.length} vs ${y.length}`);
  const n = x.length;
  if (n < 2) throw new RangeError(`a line needs at least 2 points, got ${n}`);
  const mx = mean(x), my = mean(y);
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError('a line needs at least two distinct x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n < 3) return { n, slope, intercept, slopeStdErr: NaN, pValue: NaN };
  const residual = Math.max(0, syy - slope * sxy);
  const slopeStdErr = Math.sqrt(residual / (n - 2) / sxx);
  const pValue = slopeStdErr === 0 ? 0 : studentTTwoSidedP(slope / slopeStdErr, n - 2);
  return { n, slope, intercept, slopeStdErr, pValue };
}

export interface ProportionRatio {
  /** (x1/n1) / (x2/n2). */
  readonly ratio: number;
  /** Katz log interval: exp(ln ratio ± z·sqrt(1/x1 − 1/n1 + 1/x2 − 1/n2)); null when either count is 0. */
  readonly interval: Interval | null;
}

/**
 * The ratio of two proportions with Katz's log interval, as scipy.stats.contingency.relative_risk(x1, n1, x2, n2)
 * .confidence_interval(confidence). Used for the delta/full valid-rate ratio (convergence paper, Corollary 6).
 */
export function proportionRatio(x1: number, n1: number, x2: number, n2: number, confidence = 0.95): ProportionRatio {
  for (const [x, n] of [[x1, n1], [x2, n2]] as const) {
    if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 1 || x > n) {
      throw new RangeError(`a proportion needs integers 0 <= successes <= trials, trials >= 1; got ${x} of ${n}`);
    }
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
  const ratio = (x1 / n1) / (x2 / n2);
  if (x1 === 0 || x2 === 0) return { ratio, interval: null };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const se = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
  const log = Math.log(ratio);
  return { ratio, interval: [Math.exp(log - z * se), Math.exp(log + z * se)] };
}

/** Centred moving average over `window` points (shorter at the ends): the paper's 3-cycle smoothed means. */
export function smoothed(values: readonly number[], window = 3): number[] {
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) throw new RangeError(`window must be a positive odd integer, got ${window}`);
  const half = (window - 1) / 2;
  return values.map((_, i) => mean(values.slice(Math.max(0, i - half), Math.min(values.length, i + half + 1))));
}
