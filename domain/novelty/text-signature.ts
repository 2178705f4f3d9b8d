import type { NoveltyParameters } from '../experiment/config';
import { LedgerError } from '../shared/ledger-error';
import { MinHasher } from './minhash';
import { normalizeNames } from './normalize-names';
import { stripDocstrings, tokenizePython, type PyToken } from './python-lexer';
import { hashShingles, hashTokens, shingleSet } from './shingles';

export type TextParameters = Pick<NoveltyParameters, 'shingleSize' | 'permutations' | 'seed' | 'normalizeNames'>;

/**
 * The text side of the novelty filter: source -> tokens (comments and docstrings dropped, names optionally
 * normalised) -> k-shingles -> MinHash signature. Throws LexError (a LedgerError 'BAD_INPUT') for source that does
 * not tokenize.
 */
export class TextSigner {
  readonly hasher: MinHasher;

  constructor(readonly params: TextParameters) {
    if (!Number.isInteger(params.shingleSize) || params.shingleSize < 1) {
      throw new LedgerError('BAD_INPUT', `novelty.shingleSize must be a positive integer, got ${params.shingleSize}`,
        'The paper uses 10-token shingles.');
    }
    this.hasher = new MinHasher(params.permutations, params.seed);
  }

  tokens(source: string): PyToken[] {
    const tokens = stripDocstrings(tokenizePython(source));
    return this.params.normalizeNames ? normalizeNames(tokens) : tokens;
  }

  tokenTexts(source: string): string[] {
    return this.tokens(source).map((t) => t.text);
  }

  signTexts(texts: readonly string[]): Uint32Array {
    return this.hasher.sign(hashShingles(hashTokens(texts), this.params.shingleSize));
  }

  sign(source: string): { tokenCount: number; signature: Uint32Array } {
    const texts = this.tokenTexts(source);
    return { tokenCount: texts.length, signature: this.signTexts(texts) };
  }

  shingles(texts: readonly string[]): Set<string> {
    return shingleSet(texts, this.params.shingleSize);
  }
}
