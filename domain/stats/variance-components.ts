import { mean } from './descriptive';
import { regularizedBeta } from './special-functions';

/**
 * Signal and noise of a proxy (seed 000 §5, Definition 8): each architecture's proxy re-run under R seeds is one
 * group of a one-way random-effects ANOVA. The noise variance σ²_ε is the within-architecture mean square (MSW); the
 * architecture variance σ²_A is the method-of-moments estimate (MSB − MSW)/n₀, floored at 0 (n₀ = R when every
 * architecture has R runs); SNR = σ²_A / σ²_ε. F = MSB/MSW tests "no architecture effect" (scipy.stats.f_oneway).
 */
export interface ProxyNoise {
  /** Architectures with at least two runs (the others carry no noise information and are left out). */
  readonly architectures: number;
  readonly runs: number;
  readonly noiseVariance: number;
  readonly architectureVariance: number;
  /** σ²_A / σ²_ε; Infinity when the runs of every architecture agree exactly and the architectures differ; NaN when both are 0. */
  readonly snr: number;
  readonly msBetween: number;
  readonly msWithin: number;
  readonly f: number;
  /** P(F ≥ f) under no architecture effect, with (k − 1, N − k) degrees of freedom; NaN when undefined. */
  readonly fPValue: number;
  /** n₀: the effective runs per architecture. */
  readonly runsPerArchitecture: number;
}

/** Upper tail of the F distribution with (d1, d2) degrees of freedom. */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (!(d1 > 0 && d2 > 0)) throw new RangeError(`F needs positive degrees of freedom, got ${d1}, ${d2}`);
  if (Number.isNaN(f)) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  const x = d2 / (d2 + d1 * f);
  return regularizedBeta(x, d2 / 2, d1 / 2, (d1 * f) / (d2 + d1 * f));
}

export function proxyNoise(groups: readonly (readonly number[])[]): ProxyNoise {
  const used = groups.filter((g) => g.length >= 2);
  const k = used.length;
  if (k < 2) throw new RangeError(`need at least two architectures with two or more runs each, got ${k}`);
  const n = used.reduce((s, g) => s + g.length, 0);
  const grand = mean(used.flat());
  let ssWithin = 0, ssBetween = 0;
  for (const g of used) {
    const m = mean(g);
    for (const x of g) ssWithin += (x - m) ** 2;
    ssBetween += g.length * (m - grand) ** 2;
  }
  const msWithin = ssWithin / (n - k);
  const msBetween = ssBetween / (k - 1);
  const n0 = (n - used.reduce((s, g) => s + g.length ** 2, 0) / n) / (k - 1);
  const architectureVariance = Math.max(0, (msBetween - msWithin) / n0);
  const snr = msWithin > 0 ? architectureVariance / msWithin : architectureVariance > 0 ? Infinity : NaN;
  const f = msWithin > 0 ? msBetween / msWithin : msBetween > 0 ? Infinity : NaN;
  return {
    architectures: k, runs: n, noiseVariance: msWithin, architectureVariance, snr, msBetween, msWithin, f,
    fPValue: fSurvival(f, k - 1, n - k), runsPerArchitecture: n0,
  };
}
