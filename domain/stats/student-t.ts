import { logGamma, regularizedBeta } from './special-functions';
import { normalQuantile } from './normal';

function requireDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
}

/** Student-t density. */
export function studentTPdf(t: number, df: number): number {
  requireDf(df);
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** P(|T| > |t|), computed as I_{df/(df+t^2)}(df/2, 1/2) without cancellation (tiny p-values stay exact). */
export function studentTTwoSidedP(t: number, df: number): number {
  requireDf(df);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return regularizedBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** Student-t CDF P(T <= t). */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSidedP(t, df) / 2;
  return t > 0 ? 1 - tail : tail;
}

/**
 * Student-t quantile: exact closed forms for df 1 and 2; otherwise a Cornish-Fisher start refined by Newton steps
 * on the exact CDF, kept inside a bracket (bisection when a step leaves it), to about 1e-12 relative.
 */
export function studentTQuantile(p: number, df: number): number {
  requireDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must lie in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const q = 1 - p; // upper tail, kept exact to avoid 1 - cdf cancellation
  const upper = (t: number) => studentTTwoSidedP(t, df) / 2;
  const z = normalQuantile(p);
  const z2 = z * z;
  let t = z + (z * (z2 + 1)) / (4 * df) + (z * (5 * z2 * z2 + 16 * z2 + 3)) / (96 * df * df)
    + (z * (3 * z2 ** 3 + 19 * z2 * z2 + 17 * z2 - 15)) / (384 * df ** 3);
  let lo = 0;
  let hi = Math.max(2 * t, 1);
  while (upper(hi) > q) { lo = hi; hi *= 2; }
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = upper(t) - q; // decreasing in t
    if (f > 0) lo = t; else hi = t;
    let next = t + f / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}
