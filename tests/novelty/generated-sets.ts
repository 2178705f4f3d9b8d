/** Deterministic generated token streams for the MinHash / LSH tests (mulberry32, fixed seeds). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomTokens(next: () => number, length: number, vocabulary = 5000): string[] {
  return Array.from({ length }, () => `t${Math.floor(next() * vocabulary)}`);
}

/** A copy with `edits` random single-token replacements (each changes up to k shingles). */
export function mutate(next: () => number, tokens: readonly string[], edits: number, vocabulary = 5000): string[] {
  const out = [...tokens];
  for (let e = 0; e < edits; e++) out[Math.floor(next() * out.length)] = `m${Math.floor(next() * vocabulary)}`;
  return out;
}
