import { murmurMix, fmix32 } from './hashing';
import { estimateJaccardPacked, isEmptySignature } from './minhash';

/**
 * Banded LSH over packed signatures: band i hashes slots [i*r, (i+1)*r) to a 30-bit key (MurmurHash3); rows sharing
 * any band key are candidates (at 100k rows a key collision adds a spurious candidate once per ~800 queries). Candidates are verified by the caller with the
 * estimated Jaccard, so the rare key collision costs time, never correctness.
 */
export class LshIndex {
  private readonly tables: Map<number, number | number[]>[];
  private seen = new Uint32Array(1024);
  private stamp = 0;

  constructor(readonly bands: number, readonly rows: number) {
    this.tables = Array.from({ length: bands }, () => new Map<number, number | number[]>());
  }

  /** A 30-bit band key (a V8 small integer, so Map lookups never box it); collisions only add verified candidates. */
  private key(sig: Uint32Array, offset: number, band: number): number {
    let h = 0x1b873593 ^ Math.imul(band + 1, 0x9e3779b9);
    const start = offset + band * this.rows;
    for (let j = 0; j < this.rows; j++) h = murmurMix(h, sig[start + j]!);
    return fmix32(h ^ this.rows) & 0x3fffffff;
  }

  /** Adds row `row` whose signature starts at `offset` in `sig`. */
  insert(row: number, sig: Uint32Array, offset = 0): void {
    for (let band = 0; band < this.bands; band++) {
      const table = this.tables[band]!;
      const k = this.key(sig, offset, band);
      const cur = table.get(k);
      if (cur === undefined) table.set(k, row);
      else if (typeof cur === 'number') table.set(k, [cur, row]);
      else cur.push(row);
    }
  }

  /** Calls `visit` once for each distinct row sharing a band with `sig` (rows < rowCount). */
  query(sig: Uint32Array, rowCount: number, visit: (row: number) => void): void {
    if (this.seen.length < rowCount) {
      const grown = new Uint32Array(Math.max(rowCount, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) { this.seen.fill(0); this.stamp = 1; }
    const seen = this.seen;
    const stamp = this.stamp;
    for (let band = 0; band < this.bands; band++) {
      const hit = this.tables[band]!.get(this.key(sig, 0, band));
      if (hit === undefined) continue;
      if (typeof hit === 'number') {
        if (seen[hit] !== stamp) { seen[hit] = stamp; visit(hit); }
      } else {
        for (const row of hit) if (seen[row] !== stamp) { seen[row] = stamp; visit(row); }
      }
    }
  }
}

export interface NearestHit {
  readonly id: string;
  readonly jaccard: number;
}

export type Retrieval = 'exact' | 'lsh';

/**
 * A growable set of (id, signature) rows with an LSH index: the corpus, or the candidates of the current cycle.
 * Below `exactScanBelow` rows every query scans all signatures, so J_train / J_gen are the exact maxima of the
 * estimated Jaccard; at or above it only LSH candidates are verified and rows without a band match count as J = 0
 * (at 0.85 / 13 x 19 a pair with J = 0.90 shares a band with probability 0.85, at J = 0.95 with 0.998).
 */
export class SignatureSet {
  private matrix: Uint32Array;
  private readonly ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  readonly lsh: LshIndex;

  constructor(readonly permutations: number, bands: number, rows: number, readonly exactScanBelow: number) {
    this.matrix = new Uint32Array(permutations * 64);
    this.lsh = new LshIndex(bands, rows);
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  /** Adds a row; adding an id already present is a no-op (rebuilds may replay an entry). */
  add(id: string, sig: Uint32Array): void {
    if (this.rowOf.has(id)) return;
    const row = this.ids.length;
    const p = this.permutations;
    if ((row + 1) * p > this.matrix.length) {
      const grown = new Uint32Array(this.matrix.length * 2);
      grown.set(this.matrix);
      this.matrix = grown;
    }
    this.matrix.set(sig.subarray(0, p), row * p);
    this.ids.push(id);
    this.rowOf.set(id, row);
    this.lsh.insert(row, this.matrix, row * p);
  }

  signatureOf(id: string): Uint32Array | null {
    const row = this.rowOf.get(id);
    return row === undefined ? null : this.matrix.slice(row * this.permutations, (row + 1) * this.permutations);
  }

  entries(): { id: string; signature: Uint32Array }[] {
    return this.ids.map((id, row) => ({ id, signature: this.matrix.subarray(row * this.permutations, (row + 1) * this.permutations) }));
  }

  /** The highest estimated Jaccard and its id (ties: the earliest row), or J = 0 and null when nothing matches. */
  nearest(sig: Uint32Array): { best: NearestHit | null; retrieval: Retrieval } {
    const exact = this.size < this.exactScanBelow;
    if (isEmptySignature(sig)) return { best: null, retrieval: exact ? 'exact' : 'lsh' };
    let bestRow = -1;
    let bestEqual = 0;
    if (exact) {
      // Rows in ascending order; a row is abandoned as soon as its mismatches rule out beating the best so far
      // (a tie would not replace an earlier row anyway). Same answer as comparing every slot, several times faster
      // when the best match is close.
      const p = this.permutations;
      const m = this.matrix;
      for (let row = 0, base = 0; row < this.size; row++, base += p) {
        const allowed = p - bestEqual; // mismatches at which this row can at best tie
        let mismatches = 0;
        let k = 0;
        for (; k < p; k++) {
          if (sig[k] !== m[base + k] && ++mismatches >= allowed) break;
        }
        if (k === p && p - mismatches > bestEqual) { bestEqual = p - mismatches; bestRow = row; }
      }
    } else {
      this.lsh.query(sig, this.size, (row) => {
        const equal = Math.round(estimateJaccardPacked(sig, this.matrix, row, this.permutations) * this.permutations);
        if (equal > bestEqual || (equal === bestEqual && equal > 0 && row < bestRow)) { bestEqual = equal; bestRow = row; }
      });
    }
    return { best: bestRow < 0 ? null : { id: this.ids[bestRow]!, jaccard: bestEqual / this.permutations }, retrieval: exact ? 'exact' : 'lsh' };
  }

  /** Every LSH candidate whose estimated Jaccard exceeds `minJaccard` (retrieve, then verify), in row order. */
  matches(sig: Uint32Array, minJaccard: number): NearestHit[] {
    const rows: number[] = [];
    this.lsh.query(sig, this.size, (row) => {
      if (estimateJaccardPacked(sig, this.matrix, row, this.permutations) > minJaccard) rows.push(row);
    });
    return rows.sort((a, b) => a - b).map((row) => ({ id: this.ids[row]!, jaccard: estimateJaccardPacked(sig, this.matrix, row, this.permutations) }));
  }

  /** The `limit` most similar rows by estimated Jaccard (exact scan: a user's query, not the loop's hot path). */
  top(sig: Uint32Array, limit: number): NearestHit[] {
    const hits: NearestHit[] = [];
    for (let row = 0; row < this.size; row++) {
      hits.push({ id: this.ids[row]!, jaccard: estimateJaccardPacked(sig, this.matrix, row, this.permutations) });
    }
    return hits.sort((x, y) => y.jaccard - x.jaccard || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).slice(0, limit);
  }

  /** Rows returned by LSH for `sig` (no verification): for recall measurements. */
  lshCandidates(sig: Uint32Array): string[] {
    const out: string[] = [];
    this.lsh.query(sig, this.size, (row) => out.push(this.ids[row]!));
    return out;
  }
}
