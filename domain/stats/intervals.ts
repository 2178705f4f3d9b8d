import { mean, sampleStdDev } from './descriptive';
import { normalQuantile } from './normal';
import { studentTQuantile } from './student-t';

/** [low, high]. */
export type Interval = readonly [number, number];

/** z for a two-sided 95% interval, as written in PROTOCOLS.md. */
export const Z_95 = 1.959964;

/**
 * Wilson score interval for a proportion: centre (p + z²/2n)/(1 + z²/n), half-width
 * z·sqrt(p(1−p)/n + z²/4n²)/(1 + z²/n). Null when there are no trials (no information, not [0, 1] by accident).
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Interval | null {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`Wilson interval needs integers 0 <= successes <= trials, got ${successes} of ${trials}`);
  }
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export interface MeanInterval {
  readonly n: number;
  readonly mean: number;
  readonly halfWidth: number;
  readonly interval: Interval;
}

/** mean ± t(1 − α/2, n − 1)·s/√n with the exact Student-t quantile. Null below 2 values (no spread to estimate). */
export function tInterval(values: readonly number[], confidence = 0.95): MeanInterval | null {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
  if (values.length < 2) return null;
  const m = mean(values);
  const t = studentTQuantile(1 - (1 - confidence) / 2, values.length - 1);
  const halfWidth = (t * sampleStdDev(values)) / Math.sqrt(values.length);
  return { n: values.length, mean: m, halfWidth, interval: [m - halfWidth, m + halfWidth] };
}

/** z for a two-sided interval at `confidence` (1.959964 at 0.95). */
export const zFor = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2);
