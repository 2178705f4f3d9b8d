/** Plain descriptive statistics; every function refuses an empty sample rather than returning NaN silently. */

function requireNonEmpty(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of an empty sample`);
}

export function mean(values: readonly number[]): number {
  requireNonEmpty(values, 'mean');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample variance with n - 1 in the denominator (two-pass, for accuracy). */
export function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError(`sample variance needs at least 2 values, got ${values.length}`);
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return ss / (values.length - 1);
}

export function sampleStdDev(values: readonly number[]): number {
  return Math.sqrt(sampleVariance(values));
}

export function median(values: readonly number[]): number {
  requireNonEmpty(values, 'median');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
