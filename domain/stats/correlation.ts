import { normalSurvival } from './normal';
import { studentTTwoSidedP } from './student-t';

export interface Correlation {
  readonly n: number;
  /** Pearson r, Spearman rho or Kendall tau-b. */
  readonly coefficient: number;
  /** Two-sided p-value against no association; NaN when undefined (n too small, a constant variable). */
  readonly pValue: number;
  /** How the p-value was computed. */
  readonly method: string;
}

function requirePairs(x: readonly number[], y: readonly number[], min: number): void {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length: ${x.length} vs ${y.length}`);
  if (x.length < min) throw new RangeError(`need at least ${min} pairs, got ${x.length}`);
}

/** p from r with n − 2 degrees of freedom: t = r·sqrt((n−2)/(1−r²)), as scipy's pearsonr and spearmanr. */
function pFromR(r: number, n: number): number {
  const df = n - 2;
  if (df < 1) return 1; // two points always lie on a line
  const oneMinusR2 = (1 - r) * (1 + r);
  if (oneMinusR2 <= 0) return 0;
  return studentTTwoSidedP(r * Math.sqrt(df / oneMinusR2), df);
}

function pearsonR(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export function pearson(x: readonly number[], y: readonly number[]): Correlation {
  requirePairs(x, y, 2);
  const r = pearsonR(x, y);
  return { n: x.length, coefficient: r, pValue: Number.isNaN(r) ? NaN : pFromR(r, x.length), method: 'pearson: t with n-2 df (exact under normality)' };
}

/** 1-based ranks, tied values sharing the average of their ranks. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]![1]] = rank;
    start = end + 1;
  }
  return ranks;
}

export function spearman(x: readonly number[], y: readonly number[]): Correlation {
  requirePairs(x, y, 2);
  const rho = pearsonR(averageRanks(x), averageRanks(y));
  return { n: x.length, coefficient: rho, pValue: Number.isNaN(rho) ? NaN : pFromR(rho, x.length), method: 'spearman: average ranks for ties; t with n-2 df' };
}

/** Counts of tie groups: sum of t(t−1)/2, t(t−1)(t−2) and t(t−1)(2t+5) over groups of t equal values. */
function tieStatistics(values: readonly number[]): { pairs: number; v0: number; v1: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let pairs = 0, v0 = 0, v1 = 0;
  for (const t of counts.values()) {
    if (t < 2) continue;
    pairs += (t * (t - 1)) / 2; v0 += t * (t - 1) * (t - 2); v1 += t * (t - 1) * (2 * t + 5);
  }
  return { pairs, v0, v1 };
}

/**
 * Kendall tau-b, O(n²) (fine for the tens to hundreds of pairs of a proxy study). p-value from the normal
 * approximation with the tie-corrected variance of (concordant − discordant), as scipy.stats.kendalltau(method='asymptotic').
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): Correlation {
  requirePairs(x, y, 2);
  const n = x.length;
  let s = 0; // concordant minus discordant
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
  }
  const total = (n * (n - 1)) / 2;
  const tx = tieStatistics(x), ty = tieStatistics(y);
  const method = 'kendall tau-b: normal approximation, tie-corrected variance (scipy asymptotic)';
  if (tx.pairs === total || ty.pairs === total) return { n, coefficient: NaN, pValue: NaN, method };
  const tau = Math.max(-1, Math.min(1, s / Math.sqrt(total - tx.pairs) / Math.sqrt(total - ty.pairs)));
  const m = n * (n - 1);
  const variance = (m * (2 * n + 5) - tx.v1 - ty.v1) / 18 + (2 * tx.pairs * ty.pairs) / m
    + (n > 2 ? (tx.v0 * ty.v0) / (9 * m * (n - 2)) : 0);
  const pValue = variance > 0 ? Math.min(1, 2 * normalSurvival(Math.abs(s) / Math.sqrt(variance))) : NaN;
  return { n, coefficient: tau, pValue, method };
}
