import { fmix32, murmur3String, murmurMix } from './hashing';
import type { PyToken } from './python-lexer';

/**
 * Contiguous k-token shingles. A program with at least k tokens has n - k + 1 shingles; a program with 1..k-1 tokens
 * has ONE shingle made of all its tokens (so a short program only matches the identical short program); an empty
 * program has the empty set (its signature is the empty signature, similar to nothing: see minhash.ts).
 */
export function shingleCount(tokenCount: number, k: number): number {
  if (tokenCount === 0) return 0;
  return tokenCount < k ? 1 : tokenCount - k + 1;
}

/** The exact shingle set (token texts joined with NUL), for exact Jaccard. */
export function shingleSet(texts: readonly string[], k: number): Set<string> {
  const out = new Set<string>();
  const count = shingleCount(texts.length, k);
  const width = Math.min(k, texts.length);
  for (let i = 0; i < count; i++) out.add(texts.slice(i, i + width).join('\u0000'));
  return out;
}

/** Token texts as the shingles see them. */
export function tokenTexts(tokens: readonly PyToken[]): string[] {
  return tokens.map((t) => t.text);
}

const TOKEN_SEED = 0x2545f491;

/** 32-bit hash of every token text (the MinHash hot loop never touches strings again). */
export function hashTokens(texts: readonly string[]): Uint32Array {
  const out = new Uint32Array(texts.length);
  for (let i = 0; i < texts.length; i++) out[i] = murmur3String(texts[i]!, TOKEN_SEED);
  return out;
}

/**
 * 32-bit hash of every shingle: MurmurHash3 over the shingle's token hashes (order-sensitive), finalised with its
 * length. Equal shingles hash equally; distinct shingles collide with probability ~2^-32 (as datasketch's 32-bit
 * SHA-1 prefix does).
 */
export function hashShingles(tokenHashes: Uint32Array, k: number): Uint32Array {
  const n = tokenHashes.length;
  const count = shingleCount(n, k);
  const width = Math.min(k, n);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x3c6ef372;
    for (let j = 0; j < width; j++) h = murmurMix(h, tokenHashes[i + j]!);
    out[i] = fmix32(h ^ (width * 4));
  }
  return out;
}

/** Exact Jaccard |A∩B| / |A∪B|; 0 when either set is empty (an empty program is similar to nothing). */
export function exactJaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}
