import { contentHash } from '../shared/canonical-json';

/** The corpus hash recorded on CorpusSeeded and GeneratorFineTuneRequested: order-free, over the entries' code hashes. */
export function corpusHashOf(codeHashes: readonly string[]): string {
  return contentHash([...codeHashes].sort());
}
