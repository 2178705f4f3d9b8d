/**
 * Mean pairwise Jaccard distance among MinHash signatures, with J estimated as the fraction of equal slots.
 *
 * The mean over all pairs of (equal slots / k) equals, slot by slot, the number of equal pairs in that slot's column
 * divided by k · C(n, 2); a column's equal pairs are the sum over distinct values of C(count, 2). Counting values
 * with a small open-addressing table makes this O(k · n) instead of the O(k · n²) pairwise loop, with the same result
 * (a cycle of 8,000 valid candidates would otherwise cost 8 billion slot comparisons).
 */
export const SIGNATURE_SLOTS = 256;
/** Detected from memory rather than asked of the OS: the fold stays free of I/O imports. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function decodeSignature(base64: string): Uint32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== SIGNATURE_SLOTS * 4) {
    throw new Error(`MinHash signature has ${bytes.length} bytes, expected ${SIGNATURE_SLOTS * 4}`);
  }
  if (LITTLE_ENDIAN_HOST) return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Uint32Array(SIGNATURE_SLOTS);
  for (let i = 0; i < SIGNATURE_SLOTS; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** Mean of (1 - J) over all pairs; null for fewer than two signatures. */
export function meanPairwiseJaccardDistance(signatures: readonly string[]): number | null {
  const n = signatures.length;
  if (n < 2) return null;
  // Column-major, so each slot's values are contiguous.
  const columns = new Uint32Array(SIGNATURE_SLOTS * n);
  signatures.forEach((s, i) => {
    const row = decodeSignature(s);
    for (let slot = 0; slot < SIGNATURE_SLOTS; slot++) columns[slot * n + i] = row[slot]!;
  });
  let size = 16;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const keys = new Uint32Array(size);
  const counts = new Uint32Array(size);
  // A cell belongs to the current column only if it carries the column's stamp: no clearing between columns.
  const stamps = new Uint32Array(size);
  let equalPairs = 0;
  for (let slot = 0; slot < SIGNATURE_SLOTS; slot++) {
    const stamp = slot + 1;
    const base = slot * n;
    for (let i = 0; i < n; i++) {
      const value = columns[base + i]!;
      let h = Math.imul(value, 0x9e3779b1) >>> 0 & mask;
      while (stamps[h] === stamp && keys[h] !== value) h = (h + 1) & mask;
      if (stamps[h] !== stamp) {
        stamps[h] = stamp;
        keys[h] = value;
        counts[h] = 0;
      }
      equalPairs += counts[h]!;
      counts[h]!++;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return 1 - equalPairs / (SIGNATURE_SLOTS * pairs);
}
