import { COMPONENT_COUNT, GENOME_LENGTH, type Genome } from './genome';
import { isIncompatible, violations, type Landscape } from './landscape';
import type { Rng } from './rng';

/**
 * The simulated "LLM": it copies a template from its pool and re-draws each component with the
 * schedule's mutation rate; what it has "learned" is a probability of avoiding an invalid adjacent pair
 * (seed 003's validity bonus, growing with refinement). Fine-tuning = a new template pool + more learning.
 */
export interface SimGeneratorState {
  /** Genomes the generator imitates; empty = it draws uniformly at random. */
  readonly templates: readonly Genome[];
  /** Probability, per invalid adjacent pair, that the generator repairs it (0..1). */
  readonly learned: number;
}

/** The validity bonus after `refinements` rounds of fine-tuning: a logistic learning curve (documented). */
export const LEARNING = { max: 0.95, midpoint: 10, width: 2.2 } as const;
export function learnedAfter(refinements: number): number {
  if (refinements <= 0) return 0;
  return LEARNING.max / (1 + Math.exp(-(refinements - LEARNING.midpoint) / LEARNING.width));
}

export function randomGenome(rng: Rng): number[] {
  return Array.from({ length: GENOME_LENGTH }, () => rng.int(COMPONENT_COUNT));
}

export function mutate(template: Genome, rate: number, rng: Rng): number[] {
  return template.map((g) => (rng.next() < rate ? rng.int(COMPONENT_COUNT) : g));
}

/** Re-draws the right-hand component of each invalid pair, with probability `learned`, to one compatible with its neighbours. */
export function repair(landscape: Landscape, genome: number[], learned: number, rng: Rng): number[] {
  for (const position of violations(landscape, genome)) {
    if (rng.next() >= learned) continue;
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = rng.int(COMPONENT_COUNT);
      const leftOk = !isIncompatible(landscape, genome[position - 1]!, candidate);
      const right = genome[position + 1];
      const rightOk = right === undefined || !isIncompatible(landscape, candidate, right);
      if (leftOk && rightOk) { genome[position] = candidate; break; }
    }
  }
  return genome;
}

export function generateGenomes(landscape: Landscape, state: SimGeneratorState, count: number, rate: number, rng: Rng): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const base = state.templates.length > 0 ? mutate(state.templates[rng.int(state.templates.length)]!, rate, rng) : randomGenome(rng);
    out.push(repair(landscape, base, state.learned, rng));
  }
  return out;
}
