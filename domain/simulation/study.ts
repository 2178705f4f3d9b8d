import { diversityOf, noveltyOf, type Genome } from './genome';
import { createLandscape, fitnessOf, isValid } from './landscape';
import { generateGenomes, learnedAfter } from './generator';
import { mutationRate, SCHEDULES, DEFAULT_SCHEDULE, type ScheduleName, type ScheduleParameters } from './schedules';
import { createRng, deriveSeed } from './rng';

/** Seed 003's study: generate → validity → novelty vs archive → fitness → top-k templates, for C cycles. */
export interface StudyParameters {
  readonly cycles: number;
  readonly population: number;
  readonly topK: number;
  readonly schedule: ScheduleName;
  readonly seed: number;
  readonly scheduleParameters?: ScheduleParameters;
}

export interface CycleMetrics {
  readonly cycle: number;
  readonly validity: number;
  readonly novelty: number;
  readonly diversity: number;
  /** Mean fitness of the valid genomes (0 when none). */
  readonly fitness: number;
  readonly mutationRate: number;
}

export function runTrial(p: StudyParameters): CycleMetrics[] {
  const landscape = createLandscape(deriveSeed(p.seed, 'world'));
  const rng = createRng(deriveSeed(p.seed, 'trial', p.schedule, p.topK));
  let templates: Genome[] = [];
  const archive: Genome[] = [];
  const out: CycleMetrics[] = [];
  for (let cycle = 1; cycle <= p.cycles; cycle++) {
    const rate = mutationRate(p.schedule, cycle, p.cycles, p.scheduleParameters ?? DEFAULT_SCHEDULE);
    const population = generateGenomes(landscape, { templates, learned: learnedAfter(cycle - 1) }, p.population, rate, rng);
    const valid = population.filter((g) => isValid(landscape, g));
    const novelty = population.reduce((s, g) => s + noveltyOf(g, archive), 0) / population.length;
    const scored = valid.map((g) => ({ g, f: fitnessOf(landscape, g) }));
    out.push({
      cycle, validity: valid.length / population.length, novelty, diversity: diversityOf(population),
      fitness: scored.length ? scored.reduce((s, x) => s + x.f, 0) / scored.length : 0, mutationRate: rate,
    });
    archive.push(...valid);
    // Elitist top-k: this cycle's valid genomes compete with the current templates.
    const pool = [...scored, ...templates.map((g) => ({ g, f: fitnessOf(landscape, g) }))];
    pool.sort((a, b) => b.f - a.f);
    if (pool.length > 0) templates = pool.slice(0, p.topK).map((x) => x.g);
  }
  return out;
}

export interface MeanMetrics extends CycleMetrics {
  readonly sd: { readonly validity: number; readonly novelty: number; readonly diversity: number; readonly fitness: number };
}

/** Per-cycle means and standard deviations over `trials` independent seeds. */
export function runTrials(p: StudyParameters, trials: number): MeanMetrics[] {
  const runs = Array.from({ length: trials }, (_, t) => runTrial({ ...p, seed: deriveSeed(p.seed, 'rep', t) }));
  type MetricKey = 'validity' | 'novelty' | 'diversity' | 'fitness';
  return runs[0]!.map((first, c) => {
    const at = runs.map((r) => r[c]!);
    const mean = (k: MetricKey) => at.reduce((s, m) => s + m[k], 0) / at.length;
    const sd = (k: MetricKey) => {
      const m = mean(k);
      return at.length > 1 ? Math.sqrt(at.reduce((s, x) => s + (x[k] - m) ** 2, 0) / (at.length - 1)) : 0;
    };
    return {
      cycle: first.cycle, mutationRate: first.mutationRate,
      validity: mean('validity'), novelty: mean('novelty'), diversity: mean('diversity'), fitness: mean('fitness'),
      sd: { validity: sd('validity'), novelty: sd('novelty'), diversity: sd('diversity'), fitness: sd('fitness') },
    };
  });
}

export interface Phases {
  readonly exploration: readonly [number, number];
  readonly transition: readonly [number, number];
  readonly specialisation: readonly [number, number];
  readonly peakValidityGain: number;   // cycle of the largest validity derivative
  readonly peakNoveltyDrop: number;    // cycle of the most negative novelty derivative
}

function smooth(xs: readonly number[]): number[] {
  return xs.map((_, i) => {
    const w = xs.slice(Math.max(0, i - 1), i + 2);
    return w.reduce((s, x) => s + x, 0) / w.length;
  });
}

/** Central differences (one-sided at the ends) of a 3-cycle smoothed series. */
export function derivative(xs: readonly number[]): number[] {
  const s = smooth(xs);
  return s.map((_, i) => {
    const lo = Math.max(0, i - 1); const hi = Math.min(s.length - 1, i + 1);
    return hi === lo ? 0 : (s[hi]! - s[lo]!) / (hi - lo);
  });
}

/**
 * Phases from the derivatives, as seed 003 reads its Figure 3: the transition is the run of cycles around the
 * peak validity gain where the gain is at least half its peak; exploration precedes it, specialisation follows.
 */
export function detectPhases(metrics: readonly CycleMetrics[]): Phases {
  const dv = derivative(metrics.map((m) => m.validity));
  const dn = derivative(metrics.map((m) => m.novelty));
  const argmax = (xs: number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);
  const peak = argmax(dv);
  const half = dv[peak]! / 2;
  let start = peak; while (start > 0 && dv[start - 1]! >= half) start--;
  let end = peak; while (end < dv.length - 1 && dv[end + 1]! >= half) end++;
  const c = (i: number) => metrics[i]!.cycle;
  const last = metrics.length - 1;
  return {
    exploration: [c(0), c(Math.max(0, start - 1))],
    transition: [c(start), c(end)],
    specialisation: [c(Math.min(last, end + 1)), c(last)],
    peakValidityGain: c(peak),
    peakNoveltyDrop: c(argmax(dn.map((x) => -x))),
  };
}

export interface ScheduleOutcome {
  readonly schedule: ScheduleName;
  readonly initialDiversity: number;
  readonly finalDiversity: number;
  /** Final diversity as a fraction of cycle 1's. */
  readonly diversityRetained: number;
  readonly peakValidity: number;
  /** Final validity as a fraction of the peak. */
  readonly validityOfPeak: number;
  readonly finalFitness: number;
}

export function compareSchedules(base: Omit<StudyParameters, 'schedule'>, trials: number): ScheduleOutcome[] {
  return SCHEDULES.map((schedule) => {
    const m = runTrials({ ...base, schedule }, trials);
    const first = m[0]!; const final = m[m.length - 1]!;
    const peakValidity = Math.max(...m.map((x) => x.validity));
    return {
      schedule, initialDiversity: first.diversity, finalDiversity: final.diversity,
      diversityRetained: first.diversity > 0 ? final.diversity / first.diversity : 0,
      peakValidity, validityOfPeak: peakValidity > 0 ? final.validity / peakValidity : 0, finalFitness: final.fitness,
    };
  });
}

export interface TopKOutcome {
  readonly topK: number;
  readonly finalValidity: number;
  readonly finalDiversity: number;
  readonly finalFitness: number;
}

export function sweepTopK(base: Omit<StudyParameters, 'topK'>, ks: readonly number[], trials: number): TopKOutcome[] {
  return ks.map((topK) => {
    const m = runTrials({ ...base, topK }, trials);
    const final = m[m.length - 1]!;
    return { topK, finalValidity: final.validity, finalDiversity: final.diversity, finalFitness: final.fitness };
  });
}
