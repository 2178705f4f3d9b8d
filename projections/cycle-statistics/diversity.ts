/**
 * Mean pairwise Jaccard distance among MinHash signatures, with J estimated as the fraction of equal slots.
 *
 * The mean over all pairs of (equal slots / k) equals, slot by slot, the number of equal pairs in that slot's column
 * divided by k * C(n, 2); a column's equal pairs are sum over distinct values of C(count, 2). Sorting each column
 * makes this O(k n log n) instead of the O(k n^2) pairwise loop, with the same result.
 */
export const SIGNATURE_SLOTS = 256;

export function decodeSignature(base64: string): Uint32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== SIGNATURE_SLOTS * 4) {
    throw new Error(`MinHash signature has ${bytes.length} bytes, expected ${SIGNATURE_SLOTS * 4}`);
  }
  const out = new Uint32Array(SIGNATURE_SLOTS);
  for (let i = 0; i < SIGNATURE_SLOTS; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** Mean of (1 - J) over all pairs; null for fewer than two signatures. */
export function meanPairwiseJaccardDistance(signatures: readonly string[]): number | null {
  const n = signatures.length;
  if (n < 2) return null;
  const rows = signatures.map(decodeSignature);
  const column = new Uint32Array(n);
  let equalPairs = 0;
  for (let slot = 0; slot < SIGNATURE_SLOTS; slot++) {
    for (let i = 0; i < n; i++) column[i] = rows[i]![slot]!;
    column.sort();
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && column[i] === column[i - 1]) { run++; continue; }
      equalPairs += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return 1 - equalPairs / (SIGNATURE_SLOTS * pairs);
}
