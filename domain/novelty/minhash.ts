import { LedgerError } from '../shared/ledger-error';
import { seededWords } from './hashing';
import { createSimdKernel, type SimdKernel } from './minhash-simd';

/** Value of every slot of the empty set's signature (no shingle ever produced a smaller one). */
export const EMPTY_SLOT = 0xffffffff;

/**
 * MinHash over 32-bit shingle hashes with `permutations` permutations of [0, 2^32), each an affine map
 * p_k(h) = a_k * h + b_k mod 2^32 with a_k odd (a bijection, so it adds no collisions): the "affine32" scheme of
 * datasketch 2.x. Shingle hashes are already MurmurHash3-finalised (shingles.ts), which is the pre-mix that scheme
 * applies. a_k, b_k come from `seed` through SplitMix32, so a signature depends only on (seed, permutations, input).
 * The hot loop is Math.imul on Uint32Arrays: no BigInt, no allocation per shingle.
 */
export class MinHasher {
  readonly a: Uint32Array;
  readonly b: Uint32Array;
  /** The WebAssembly SIMD kernel (identical results, about 3x faster), or null: the scalar loop. */
  private readonly kernel: SimdKernel | null;

  constructor(readonly permutations: number, readonly seed: number, options: { readonly simd?: boolean } = {}) {
    if (!Number.isInteger(permutations) || permutations < 1 || permutations > 4096) {
      throw new LedgerError('BAD_INPUT', `novelty.permutations must be an integer in 1..4096, got ${permutations}`,
        'Set novelty.permutations in the experiment config (the paper uses 256).');
    }
    const words = seededWords(seed, 2 * permutations);
    this.a = new Uint32Array(permutations);
    this.b = new Uint32Array(permutations);
    for (let k = 0; k < permutations; k++) {
      this.a[k] = (words[2 * k]! | 1) >>> 0;
      this.b[k] = words[2 * k + 1]!;
    }
    this.kernel = options.simd === false ? null : createSimdKernel(this.a, this.b);
  }

  /** Whether signatures come from the SIMD kernel (for the benchmark's report). */
  get simd(): boolean {
    return this.kernel !== null;
  }

  /** The signature of a set of shingle hashes (duplicates are harmless); the empty set gives all EMPTY_SLOT. */
  sign(shingleHashes: Uint32Array, out: Uint32Array = new Uint32Array(this.permutations)): Uint32Array {
    if (this.kernel) return this.kernel.sign(shingleHashes, out);
    return this.signScalar(shingleHashes, out);
  }

  /** The reference implementation in plain TypeScript. */
  signScalar(shingleHashes: Uint32Array, out: Uint32Array = new Uint32Array(this.permutations)): Uint32Array {
    const { a, b, permutations } = this;
    const m = shingleHashes.length;
    const h = shingleHashes;
    // Adding b_k + 2^31 flips the top bit of the sum: compared as signed int32 it keeps the unsigned order, so the
    // whole loop stays in int32 registers. Eight permutations per pass load each shingle hash once (1.5x faster).
    let k = 0;
    for (; k + 8 <= permutations; k += 8) {
      const a0 = a[k]!, a1 = a[k + 1]!, a2 = a[k + 2]!, a3 = a[k + 3]!, a4 = a[k + 4]!, a5 = a[k + 5]!, a6 = a[k + 6]!, a7 = a[k + 7]!;
      const b0 = (b[k]! + 0x80000000) | 0, b1 = (b[k + 1]! + 0x80000000) | 0, b2 = (b[k + 2]! + 0x80000000) | 0;
      const b3 = (b[k + 3]! + 0x80000000) | 0, b4 = (b[k + 4]! + 0x80000000) | 0, b5 = (b[k + 5]! + 0x80000000) | 0;
      const b6 = (b[k + 6]! + 0x80000000) | 0, b7 = (b[k + 7]! + 0x80000000) | 0;
      let m0 = 0x7fffffff, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0;
      for (let j = 0; j < m; j++) {
        const x = h[j]!;
        let v = (Math.imul(a0, x) + b0) | 0; if (v < m0) m0 = v;
        v = (Math.imul(a1, x) + b1) | 0; if (v < m1) m1 = v;
        v = (Math.imul(a2, x) + b2) | 0; if (v < m2) m2 = v;
        v = (Math.imul(a3, x) + b3) | 0; if (v < m3) m3 = v;
        v = (Math.imul(a4, x) + b4) | 0; if (v < m4) m4 = v;
        v = (Math.imul(a5, x) + b5) | 0; if (v < m5) m5 = v;
        v = (Math.imul(a6, x) + b6) | 0; if (v < m6) m6 = v;
        v = (Math.imul(a7, x) + b7) | 0; if (v < m7) m7 = v;
      }
      out[k] = (m0 ^ 0x80000000) >>> 0; out[k + 1] = (m1 ^ 0x80000000) >>> 0;
      out[k + 2] = (m2 ^ 0x80000000) >>> 0; out[k + 3] = (m3 ^ 0x80000000) >>> 0;
      out[k + 4] = (m4 ^ 0x80000000) >>> 0; out[k + 5] = (m5 ^ 0x80000000) >>> 0;
      out[k + 6] = (m6 ^ 0x80000000) >>> 0; out[k + 7] = (m7 ^ 0x80000000) >>> 0;
    }
    for (; k < permutations; k++) {
      const ak = a[k]!;
      const bk = (b[k]! + 0x80000000) | 0;
      let min = 0x7fffffff;
      for (let j = 0; j < m; j++) {
        const v = (Math.imul(ak, h[j]!) + bk) | 0;
        if (v < min) min = v;
      }
      out[k] = (min ^ 0x80000000) >>> 0;
    }
    return out;
  }
}

export function isEmptySignature(sig: Uint32Array): boolean {
  for (let k = 0; k < sig.length; k++) if (sig[k] !== EMPTY_SLOT) return false;
  return true;
}

/**
 * Estimated Jaccard: the fraction of equal slots. An empty signature is similar to nothing (0), including another
 * empty one, so an empty program is never a near-duplicate.
 */
export function estimateJaccard(x: Uint32Array, y: Uint32Array): number {
  if (x.length !== y.length) {
    throw new LedgerError('BAD_INPUT', `signatures differ in length (${x.length} vs ${y.length})`,
      'Compare signatures made with the same novelty.permutations.');
  }
  let equal = 0;
  for (let k = 0; k < x.length; k++) if (x[k] === y[k]) equal++;
  if (equal === x.length && isEmptySignature(x)) return 0;
  return equal / x.length;
}

/** Same as estimateJaccard for row `row` of a packed signature matrix (no subarray allocation). */
export function estimateJaccardPacked(x: Uint32Array, matrix: Uint32Array, row: number, permutations: number): number {
  let equal = 0;
  const base = row * permutations;
  for (let k = 0; k < permutations; k++) if (x[k] === matrix[base + k]) equal++;
  if (equal === permutations && x[0] === EMPTY_SLOT && isEmptySignature(x)) return 0;
  return equal / permutations;
}

/** Base64 of the signature's uint32 slots, little-endian on every machine (the NoveltyAssessed.signature field). */
export function encodeSignature(sig: Uint32Array): string {
  const bytes = new Uint8Array(sig.length * 4);
  for (let k = 0; k < sig.length; k++) {
    const v = sig[k]!;
    bytes[4 * k] = v & 0xff;
    bytes[4 * k + 1] = (v >>> 8) & 0xff;
    bytes[4 * k + 2] = (v >>> 16) & 0xff;
    bytes[4 * k + 3] = (v >>> 24) & 0xff;
  }
  return Buffer.from(bytes).toString('base64');
}

export function decodeSignature(text: string, permutations?: number): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  const valid = /^[A-Za-z0-9+/]*={0,2}$/.test(text) && bytes.length % 4 === 0 && bytes.length > 0
    && (permutations === undefined || bytes.length === permutations * 4);
  if (!valid) {
    throw new LedgerError('BAD_INPUT', `signature is not base64 of ${permutations ?? 'N'} little-endian uint32 (got ${bytes.length} bytes)`,
      'Signatures come from encodeSignature(); re-assess the candidate if the event was written by another version.');
  }
  const out = new Uint32Array(bytes.length / 4);
  for (let k = 0; k < out.length; k++) {
    out[k] = (bytes[4 * k]! | (bytes[4 * k + 1]! << 8) | (bytes[4 * k + 2]! << 16) | (bytes[4 * k + 3]! << 24)) >>> 0;
  }
  return out;
}
