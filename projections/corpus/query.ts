import { corpusHashOf } from '../../domain/experiment/corpus';
import { toArray } from '../shared/persistent-vector';
import type { CorpusSnapshot, CorpusView } from './view';

/** The corpus of one experiment as the view stands; null when the view has no such experiment. */
export function corpusOf(view: CorpusView, experimentId: string): CorpusSnapshot | null {
  const corpus = view.experiments[experimentId];
  if (!corpus) return null;
  const members = toArray(corpus.members);
  return {
    experimentId,
    size: members.length,
    seedSize: members.filter((m) => m.source === 'seed').length,
    corpusHash: corpusHashOf(members.map((m) => m.codeHash)),
    members,
  };
}
