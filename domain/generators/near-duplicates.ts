import { exactJaccard } from '../novelty/shingles';
import { TextSigner, type TextParameters } from '../novelty/text-signature';
import { LexError } from '../novelty/python-lexer';

/**
 * How repetitive a set of programs is, in the novelty filter's own terms: token shingles (TextSigner: comments and
 * docstrings dropped, names normalised if the experiment does) and exact Jaccard, a pair being a near-duplicate when
 * J > τ, as the filter flags one. What the grammar's temperature specs and the ablation report's distinct counts use.
 */
export interface NearDuplicateStats {
  readonly programs: number;
  readonly pairs: number;
  /** Pairs with J > τ. */
  readonly nearDuplicatePairs: number;
  /** nearDuplicatePairs / pairs (0 with fewer than two programs). */
  readonly share: number;
  /** Clusters of the "J > τ" graph (connected components): programs that are not near-copies of one another. */
  readonly clusters: number;
}

export function nearDuplicateStats(codes: readonly string[], params: TextParameters, tau: number): NearDuplicateStats {
  const signer = new TextSigner(params);
  // Source the lexer rejects has no shingles; it is similar to nothing (its own cluster), as the filter treats it.
  const sets = codes.map((code) => {
    try {
      return signer.shingles(signer.tokenTexts(code));
    } catch (error) {
      if (error instanceof LexError) return new Set<string>();
      throw error;
    }
  });
  const parent = sets.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]!]!; i = parent[i]!; }
    return i;
  };
  let nearDuplicatePairs = 0;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      if (exactJaccard(sets[i]!, sets[j]!) <= tau) continue;
      nearDuplicatePairs++;
      parent[root(j)] = root(i);
    }
  }
  const pairs = (sets.length * (sets.length - 1)) / 2;
  const clusters = new Set(sets.map((_, i) => root(i))).size;
  return { programs: sets.length, pairs, nearDuplicatePairs, share: pairs === 0 ? 0 : nearDuplicatePairs / pairs, clusters };
}
