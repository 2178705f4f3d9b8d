import type { NoveltyParameters } from '../../domain/experiment/config';
import { MinHasher, decodeSignature, encodeSignature, estimateJaccard } from '../../domain/novelty/minhash';
import { tokenizePython, stripDocstrings } from '../../domain/novelty/python-lexer';
import { normalizeNames } from '../../domain/novelty/normalize-names';
import { hashShingles, hashTokens, tokenTexts } from '../../domain/novelty/shingles';

/**
 * The paper's text-novelty check for one candidate: MinHash-Jaccard of its 10-token shingles against the
 * training corpus (J_train) and against the candidates generated earlier in its cycle (J_gen). The corpus
 * and cycle are small (hundreds to a few thousand programs), so every estimate is checked exactly against
 * every signature; an LSH index only pays off beyond that (domain/novelty carries one).
 */
export interface Reference {
  readonly id: string;
  readonly code: string;
  /** base64 signature when already known (from NoveltyAssessed), to avoid re-hashing. */
  readonly signature?: string;
}

export interface NoveltyVerdict {
  readonly jTrain: number;
  readonly jGen: number;
  readonly nearestTrainId: string | null;
  readonly nearestGenId: string | null;
  readonly nearDupTextTrain: boolean;
  readonly nearDupTextGen: boolean;
  readonly signature: string;
}

export class NoveltyEngine {
  private readonly hasher: MinHasher;
  private readonly cache = new Map<string, Uint32Array>();

  constructor(private readonly parameters: NoveltyParameters) {
    this.hasher = new MinHasher(parameters.permutations, parameters.seed);
  }

  /** The MinHash signature of a program; code the lexer cannot read gets the empty signature (similar to nothing). */
  signatureOf(code: string): Uint32Array {
    const cached = this.cache.get(code);
    if (cached) return cached;
    let texts: string[];
    try {
      let tokens = stripDocstrings(tokenizePython(code));
      if (this.parameters.normalizeNames) tokens = normalizeNames(tokens);
      texts = tokenTexts(tokens);
    } catch {
      texts = [];
    }
    const signature = this.hasher.sign(hashShingles(hashTokens(texts), this.parameters.shingleSize));
    this.cache.set(code, signature);
    return signature;
  }

  private signatureOfRef(ref: Reference): Uint32Array {
    if (ref.signature) {
      try { return decodeSignature(ref.signature, this.parameters.permutations); } catch { /* fall through and re-hash */ }
    }
    return this.signatureOf(ref.code);
  }

  private nearest(signature: Uint32Array, refs: readonly Reference[]): { j: number; id: string | null } {
    let best = 0; let id: string | null = null;
    for (const ref of refs) {
      const j = estimateJaccard(signature, this.signatureOfRef(ref));
      if (j > best) { best = j; id = ref.id; }
    }
    return { j: best, id };
  }

  assess(code: string, corpus: readonly Reference[], earlierInCycle: readonly Reference[]): NoveltyVerdict {
    const signature = this.signatureOf(code);
    const train = this.nearest(signature, corpus);
    const gen = this.nearest(signature, earlierInCycle);
    const tau = this.parameters.nearDuplicateTau;
    return {
      jTrain: train.j, jGen: gen.j, nearestTrainId: train.id, nearestGenId: gen.id,
      nearDupTextTrain: train.j > tau, nearDupTextGen: gen.j > tau, signature: encodeSignature(signature),
    };
  }
}
