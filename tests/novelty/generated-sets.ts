/** Deterministic generated token streams for the MinHash / LSH tests (mulberry32, fixed seeds). */
export { mulberry32 as rng } from '../../domain/shared/rng';

export function randomTokens(next: () => number, length: number, vocabulary = 5000): string[] {
  return Array.from({ length }, () => `t${Math.floor(next() * vocabulary)}`);
}

/** A copy with `edits` random single-token replacements (each changes up to k shingles). */
export function mutate(next: () => number, tokens: readonly string[], edits: number, vocabulary = 5000): string[] {
  const out = [...tokens];
  for (let e = 0; e < edits; e++) out[Math.floor(next() * out.length)] = `m${Math.floor(next() * vocabulary)}`;
  return out;
}
