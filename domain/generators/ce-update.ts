import { DECISION_NAMES, GRAMMAR_CHOICES, decisionIndices, type DecisionName, type GrammarDecisions, type GrammarTheta } from './grammar';

/**
 * The Cross-Entropy update of the grammar generator: θ ← (1 − a)·θ + a·MLE(elite decisions), with the step
 * a = α·n/(n + evidence) for n elites. The MLE is add-λ smoothed and the result floored, so no choice ever reaches
 * probability 0 and exploration never dies (the CE method's standard smoothing; in seed 000 the LoRA fine-tune
 * plays this role for an LLM).
 */
export interface CeUpdateOptions {
  /** Step size α in (0, 1]. */
  readonly alpha: number;
  /** Add-λ pseudo-count per choice in the MLE. */
  readonly smoothing: number;
  /** Lower bound on every probability after the update. */
  readonly floor: number;
  /**
   * Programs' worth of evidence the current θ counts for: the step is α·n/(n + evidence) for a corpus of n
   * programs, so one admitted program nudges θ and a corpus of dozens moves it by nearly α. Absent = 0 (step α).
   */
  readonly evidence?: number;
}

/**
 * A loop cycle admits a handful of programs, so the update has to move on little evidence: a large step and a small
 * pseudo-count (with α 0.5 and λ 0.5, 3 admitted programs moved a 7-way decision by a few points a cycle and the
 * valid rate barely rose over 6 cycles). The evidence term keeps a first admission or two from rewriting θ into
 * copies of themselves. The floor keeps every choice drawable; the novelty filter rejects the near-copies a
 * concentrated θ still writes, as in seed 001.
 */
export const DEFAULT_CE_UPDATE: CeUpdateOptions = { alpha: 0.9, smoothing: 0.1, floor: 0.01, evidence: 3 };

export interface CeUpdateResult {
  readonly theta: GrammarTheta;
  /** Programs whose decisions entered the MLE. */
  readonly used: number;
  /** Mean negative log-likelihood per decision of the elite programs under the new θ (the fine-tune "loss"). */
  readonly nll: number | null;
}

export function ceUpdate(theta: GrammarTheta, elites: readonly GrammarDecisions[], options: CeUpdateOptions = DEFAULT_CE_UPDATE): CeUpdateResult {
  if (!(options.alpha > 0 && options.alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${options.alpha}`);
  if (!(options.smoothing > 0)) throw new RangeError(`smoothing must be > 0 so no probability reaches 0, got ${options.smoothing}`);
  const evidence = options.evidence ?? 0;
  if (!(evidence >= 0)) throw new RangeError(`evidence must be >= 0, got ${options.evidence}`);
  if (elites.length === 0) return { theta, used: 0, nll: null };
  const step = options.alpha * elites.length / (elites.length + evidence);
  const counts = {} as Record<DecisionName, number[]>;
  for (const d of DECISION_NAMES) counts[d] = GRAMMAR_CHOICES[d].map(() => 0);
  const indices = elites.map(decisionIndices);
  for (const program of indices) for (const d of DECISION_NAMES) for (const i of program[d]) counts[d][i]! += 1;
  const next = {} as Record<DecisionName, number[]>;
  for (const d of DECISION_NAMES) {
    const total = counts[d].reduce((s, c) => s + c, 0);
    const k = counts[d].length;
    const mle = counts[d].map((c) => (c + options.smoothing) / (total + options.smoothing * k));
    next[d] = normaliseWithFloor(theta[d].map((p, i) => (1 - step) * p + step * mle[i]!), options.floor);
  }
  return { theta: next, used: elites.length, nll: meanNll(next, indices) };
}

function normaliseWithFloor(p: readonly number[], floor: number): number[] {
  const f = Math.min(floor, 1 / p.length / 2);
  const sum = p.reduce((s, x) => s + x, 0);
  const raised = p.map((x) => Math.max(x / sum, f));
  const total = raised.reduce((s, x) => s + x, 0);
  return raised.map((x) => x / total);
}

function meanNll(theta: GrammarTheta, programs: readonly Record<DecisionName, number[]>[]): number {
  let sum = 0;
  let n = 0;
  for (const program of programs) {
    for (const d of DECISION_NAMES) for (const i of program[d]) { sum -= Math.log(theta[d][i]!); n += 1; }
  }
  return n === 0 ? 0 : sum / n;
}

/** Probability mass θ puts on the given choices of one decision (what tests watch the update move). */
export function massOn<D extends DecisionName>(theta: GrammarTheta, d: D, choices: readonly (typeof GRAMMAR_CHOICES)[D][number][]): number {
  return (GRAMMAR_CHOICES[d] as readonly unknown[]).reduce<number>((s, c, i) => s + ((choices as readonly unknown[]).includes(c) ? theta[d][i]! : 0), 0);
}
