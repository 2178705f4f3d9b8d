/**
 * 32-bit hashing that is identical on every machine: MurmurHash3 (x86, 32-bit) over UTF-16 code units, and its
 * fmix32 finaliser. Only Math.imul and 32-bit integer operations: no BigInt, no platform-dependent byte order.
 */

export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes one 32-bit block into a MurmurHash3 state. */
export function murmurMix(state: number, block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = state ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3_x86_32 over the string's UTF-16 code units, two per block. */
export function murmur3String(text: string, seed: number): number {
  let h = seed | 0;
  const n = text.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = murmurMix(h, text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  if (i < n) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  return fmix32(h ^ (n * 2));
}

/** SplitMix32-style generator: the permutation seeds derived from the experiment's novelty seed. */
export function seededWords(seed: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let state = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    out[i] = (z ^ (z >>> 15)) >>> 0;
  }
  return out;
}
