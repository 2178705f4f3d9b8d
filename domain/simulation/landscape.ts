import { COMPONENT_COUNT, GENOME_LENGTH, type Genome } from './genome';
import { createRng, deriveSeed } from './rng';

/**
 * The hidden "world" of the simulation, fixed by one seed (documented in docs/simulation.md):
 *  - validity model: some ordered pairs of component types cannot follow each other (think: a Flatten
 *    before a convolution, a shape mismatch). A genome is valid when none of its 14 adjacent pairs is
 *    incompatible. With INCOMPATIBLE_FRACTION = 0.07 a uniformly random genome is valid with p ≈ 0.93^14 ≈ 0.36,
 *    close to the paper's first-cycle valid rate (44%).
 *  - fitness model: an additive per-position preference plus an adjacent-pair interaction term (epistasis),
 *    squashed into (0, 1) and mapped to a first-epoch "accuracy" in [ACC_FLOOR, ACC_FLOOR + ACC_SPAN].
 */
export const INCOMPATIBLE_FRACTION = 0.07;
export const EPISTASIS_SCALE = 0.5;
export const ACC_FLOOR = 0.2;
export const ACC_SPAN = 0.7;

export interface Landscape {
  readonly seed: number;
  /** incompatible[a * COMPONENT_COUNT + b]: type b may not follow type a. */
  readonly incompatible: Uint8Array;
  readonly positionWeights: Float64Array; // [position * COMPONENT_COUNT + type]
  readonly pairWeights: Float64Array;     // [a * COMPONENT_COUNT + b]
}

export function createLandscape(seed: number): Landscape {
  const rng = createRng(deriveSeed(seed, 'landscape'));
  const incompatible = new Uint8Array(COMPONENT_COUNT * COMPONENT_COUNT);
  for (let i = 0; i < incompatible.length; i++) incompatible[i] = rng.next() < INCOMPATIBLE_FRACTION ? 1 : 0;
  const positionWeights = new Float64Array(GENOME_LENGTH * COMPONENT_COUNT);
  for (let i = 0; i < positionWeights.length; i++) positionWeights[i] = rng.normal();
  const pairWeights = new Float64Array(COMPONENT_COUNT * COMPONENT_COUNT);
  for (let i = 0; i < pairWeights.length; i++) pairWeights[i] = EPISTASIS_SCALE * rng.normal();
  return { seed, incompatible, positionWeights, pairWeights };
}

export function isIncompatible(landscape: Landscape, a: number, b: number): boolean {
  return landscape.incompatible[a * COMPONENT_COUNT + b] === 1;
}

/** Positions i (1..14) whose pair (i-1, i) is incompatible. */
export function violations(landscape: Landscape, genome: Genome): number[] {
  const out: number[] = [];
  for (let i = 1; i < GENOME_LENGTH; i++) if (isIncompatible(landscape, genome[i - 1]!, genome[i]!)) out.push(i);
  return out;
}

export function isValid(landscape: Landscape, genome: Genome): boolean {
  return violations(landscape, genome).length === 0;
}

/** Raw score: additive plus interaction terms; its spread over random genomes is about sqrt(15 + 14 * 0.25) ≈ 4.3. */
export function rawScore(landscape: Landscape, genome: Genome): number {
  let s = 0;
  for (let i = 0; i < GENOME_LENGTH; i++) s += landscape.positionWeights[i * COMPONENT_COUNT + genome[i]!]!;
  for (let i = 1; i < GENOME_LENGTH; i++) s += landscape.pairWeights[genome[i - 1]! * COMPONENT_COUNT + genome[i]!]!;
  return s;
}

const RAW_SPREAD = Math.sqrt(GENOME_LENGTH + (GENOME_LENGTH - 1) * EPISTASIS_SCALE ** 2);

/** Fitness in (0, 1): a logistic squash of the raw score; random genomes centre on 0.5. */
export function fitnessOf(landscape: Landscape, genome: Genome): number {
  return 1 / (1 + Math.exp(-rawScore(landscape, genome) / (RAW_SPREAD / 2)));
}

/** The sim protocol's first-epoch "accuracy": fitness mapped into the accuracy range plus seeded evaluation noise. */
export function simulatedAccuracy(landscape: Landscape, genome: Genome, noiseSeed: number, noiseSd = 0.02): number {
  const noise = noiseSd * createRng(noiseSeed).normal();
  const acc = ACC_FLOOR + ACC_SPAN * fitnessOf(landscape, genome) + noise;
  return Math.min(0.99, Math.max(0.01, acc));
}
