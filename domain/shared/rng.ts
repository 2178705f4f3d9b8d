/** A small seeded PRNG (mulberry32): generators and the simulation are pure functions of their seeds. */
export interface Rng {
  next(): number;               // uniform [0, 1)
  int(n: number): number;       // uniform {0..n-1}
  normal(): number;             // standard normal (Box-Muller)
}

/** The bare mulberry32 stream from a 32-bit state: uniform [0, 1). */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed: number): Rng {
  const next = mulberry32((seed >>> 0) ^ 0x9e3779b9);
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}

/** FNV-1a over the seed and labels: independent streams (program i, mutation j) never share draws. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = (seed >>> 0) ^ 0x811c9dc5;
  for (const label of labels) {
    for (const ch of String(label)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0x2f, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Draws an index from unnormalised non-negative weights. */
export function drawIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i += 1) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}
