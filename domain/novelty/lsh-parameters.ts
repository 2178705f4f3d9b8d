import { LedgerError } from '../shared/ledger-error';

export interface BandParameters {
  /** Number of bands b. */
  readonly bands: number;
  /** Rows (signature slots) per band r; b * r <= permutations. */
  readonly rows: number;
  /** The weighted error that choice minimises, and its two parts. */
  readonly falsePositive: number;
  readonly falseNegative: number;
}

// 20-point Gauss-Legendre nodes and weights on [-1, 1] (half of them; symmetric).
const GL_X = [0.0765265211334973, 0.2277858511416451, 0.3737060887154196, 0.5108670019508271, 0.6360536807265150,
  0.7463319064601508, 0.8391169718222188, 0.9122344282513259, 0.9639719272779138, 0.9931285991850949];
const GL_W = [0.1527533871307258, 0.1491729864726037, 0.1420961093183820, 0.1316886384491766, 0.1181945319615184,
  0.1019301198172404, 0.0832767415767048, 0.0626720483341091, 0.0406014298003869, 0.0176140071391521];

/** Composite 20-point Gauss-Legendre on 32 panels: within 1e-10 of scipy's quad for these smooth integrands. */
function integrate(f: (s: number) => number, lo: number, hi: number): number {
  const panels = 32;
  const h = (hi - lo) / panels;
  let total = 0;
  for (let p = 0; p < panels; p++) {
    const mid = lo + (p + 0.5) * h;
    const half = h / 2;
    for (let i = 0; i < GL_X.length; i++) {
      total += GL_W[i]! * (f(mid - half * GL_X[i]!) + f(mid + half * GL_X[i]!)) * half;
    }
  }
  return total;
}

const cache = new Map<string, BandParameters>();

/**
 * datasketch's `_optimal_param`: over every (b, r) with b * r <= permutations, minimise
 *   wFP * ∫_0^t 1 - (1 - s^r)^b ds  +  wFN * ∫_t^1 (1 - s^r)^b ds
 * (first minimum in b-major, r-minor order wins ties, as there). For t = 0.85, 256 permutations: b = 13, r = 19.
 */
export function optimalBands(threshold: number, permutations: number, fpWeight = 0.5, fnWeight = 0.5): BandParameters {
  if (!(threshold > 0 && threshold < 1)) {
    throw new LedgerError('BAD_INPUT', `novelty.lshThreshold must be in (0, 1), got ${threshold}`, 'The paper uses 0.85.');
  }
  if (Math.abs(fpWeight + fnWeight - 1) > 1e-9) {
    throw new LedgerError('BAD_INPUT', 'LSH false-positive and false-negative weights must sum to 1', 'Use 0.5 and 0.5, as datasketch does.');
  }
  const key = `${threshold}:${permutations}:${fpWeight}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let best: BandParameters = { bands: 0, rows: 0, falsePositive: Infinity, falseNegative: Infinity };
  let bestError = Infinity;
  for (let b = 1; b <= permutations; b++) {
    const maxR = Math.floor(permutations / b);
    for (let r = 1; r <= maxR; r++) {
      const fp = integrate((s) => 1 - (1 - s ** r) ** b, 0, threshold);
      const fn = integrate((s) => (1 - s ** r) ** b, threshold, 1);
      const error = fp * fpWeight + fn * fnWeight;
      if (error < bestError) {
        bestError = error;
        best = { bands: b, rows: r, falsePositive: fp, falseNegative: fn };
      }
    }
  }
  cache.set(key, best);
  return best;
}
