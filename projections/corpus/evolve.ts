import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { eventRef } from '../shared/event-ref';
import { assertNever } from '../shared/assert-never';
import type { CorpusView } from './view';

export const CORPUS_VERSION = '1';

export const corpusHandledTypes: readonly LedgerEventType[] = ['ExperimentRegistered', 'CorpusSeeded', 'CandidateAdmitted'];

export function initialCorpusView(): CorpusView {
  return { experiments: {} };
}

export function evolveCorpus(view: CorpusView, recorded: RecordedEvent): CorpusView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  switch (event.type) {
    case 'ExperimentRegistered':
      view.experiments[event.data.experimentId] = { experimentId: event.data.experimentId, members: [] };
      return view;
    case 'CorpusSeeded': {
      const corpus = view.experiments[event.data.experimentId];
      if (!corpus) return view;
      const addedBy = eventRef(recorded);
      for (const entry of event.data.entries) {
        corpus.members.push({
          entryId: entry.entryId, architectureId: null, source: 'seed', name: entry.name, codeHash: entry.codeHash,
          accuracy: entry.accuracy, cycle: null, candidateId: null, addedBy,
        });
      }
      return view;
    }
    case 'CandidateAdmitted': {
      const corpus = view.experiments[event.data.experimentId];
      if (!corpus) return view;
      const { candidateId, architectureId, codeHash, accuracy, cycle } = event.data;
      corpus.members.push({
        entryId: candidateId, architectureId, source: 'admitted', name: architectureId, codeHash, accuracy, cycle,
        candidateId, addedBy: eventRef(recorded),
      });
      return view;
    }
    case 'CycleStarted': case 'CandidateGenerated': case 'CandidateRejected': case 'CandidateEvaluated':
    case 'NoveltyAssessed': case 'CandidateNotAdmitted': case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned':
    case 'GeneratorFineTuneSkipped': case 'CycleCompleted': case 'ExperimentCompleted': case 'ExperimentFailed':
    case 'JobClaimed': case 'JobFailed':
      return view;
    default:
      return assertNever(event, 'corpus');
  }
}

export const corpusProjection: Projection<CorpusView> = {
  name: 'corpus',
  codeVersion: CORPUS_VERSION,
  handledEventTypes: corpusHandledTypes,
  initialView: initialCorpusView,
  evolve: evolveCorpus,
};
