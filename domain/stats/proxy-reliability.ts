/**
 * Proxy reliability (convergence paper): with first-epoch accuracy x and fully trained accuracy y over the same
 * architectures, SNR = R²/(1 − R²) of the regression of x on y; under a bivariate normal model the Pearson
 * correlation is sqrt(SNR/(1 + SNR)) and the Spearman correlation (6/π)·asin(ρ/2).
 */
export interface ProxyReliability {
  readonly rSquared: number;
  readonly snr: number;
  readonly predictedPearson: number;
  readonly predictedSpearman: number;
}

export function snrFromRSquared(rSquared: number): number {
  if (!(rSquared >= 0 && rSquared <= 1)) throw new RangeError(`R² must lie in [0, 1], got ${rSquared}`);
  return rSquared === 1 ? Infinity : rSquared / (1 - rSquared);
}

export function pearsonFromSnr(snr: number): number {
  if (!(snr >= 0)) throw new RangeError(`SNR must be non-negative, got ${snr}`);
  return snr === Infinity ? 1 : Math.sqrt(snr / (1 + snr));
}

/** Spearman's rho of a bivariate normal with Pearson correlation rho (Pearson 1907). */
export function spearmanFromPearson(rho: number): number {
  if (!(rho >= -1 && rho <= 1)) throw new RangeError(`correlation must lie in [-1, 1], got ${rho}`);
  return (6 / Math.PI) * Math.asin(rho / 2);
}

export function proxyReliability(rSquared: number): ProxyReliability {
  const snr = snrFromRSquared(rSquared);
  const predictedPearson = pearsonFromSnr(snr);
  return { rSquared, snr, predictedPearson, predictedSpearman: spearmanFromPearson(predictedPearson) };
}

export interface BonferroniResult {
  /** min(1, p·m) for each p, in the input order. */
  readonly adjusted: readonly number[];
  readonly significant: readonly boolean[];
  /** The per-test level alpha / m. */
  readonly perTestAlpha: number;
}

/** Bonferroni correction over m = pValues.length tests at family-wise level alpha. */
export function bonferroni(pValues: readonly number[], alpha = 0.05): BonferroniResult {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
  const m = pValues.length;
  const adjusted = pValues.map((p) => Math.min(1, p * m));
  return { adjusted, significant: adjusted.map((p) => p <= alpha), perTestAlpha: m === 0 ? alpha : alpha / m };
}
