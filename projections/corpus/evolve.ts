import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import { withKey, type Draft, type Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { editable } from '../shared/transient';
import { eventRef } from '../shared/event-ref';
import { assertNever } from '../shared/assert-never';
import { emptyVector, push } from '../shared/persistent-vector';
import type { CorpusMember, CorpusView, ExperimentCorpus } from './view';

/** 2: members are a persistent vector (evolve became pure). */
export const CORPUS_VERSION = '2';

export const corpusHandledTypes: readonly LedgerEventType[] = ['ExperimentRegistered', 'CorpusSeeded', 'CandidateAdmitted'];

export function initialCorpusView(): CorpusView {
  return { experiments: {} };
}

export function evolveCorpus(view: CorpusView, recorded: RecordedEvent): CorpusView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  switch (event.type) {
    case 'ExperimentRegistered':
      return withCorpus(view, { experimentId: event.data.experimentId, members: emptyVector() });
    case 'CorpusSeeded': {
      const corpus = view.experiments[event.data.experimentId];
      if (!corpus) return view;
      const addedBy = eventRef(recorded);
      const next = editable(corpus, copyCorpus);
      for (const entry of event.data.entries) {
        next.members = push(next.members, {
          entryId: entry.entryId, architectureId: null, source: 'seed', name: entry.name, codeHash: entry.codeHash,
          accuracy: entry.accuracy, cycle: null, candidateId: null, addedBy,
        });
      }
      return next === corpus ? view : withCorpus(view, next);
    }
    case 'CandidateAdmitted': {
      const corpus = view.experiments[event.data.experimentId];
      if (!corpus) return view;
      const { candidateId, architectureId, codeHash, accuracy, cycle } = event.data;
      const member: CorpusMember = {
        entryId: candidateId, architectureId, source: 'admitted', name: architectureId, codeHash, accuracy, cycle,
        candidateId, addedBy: eventRef(recorded),
      };
      const next = editable(corpus, copyCorpus);
      next.members = push(next.members, member);
      // A corpus edited in place (inside a transient fold that created it) is already where it belongs.
      return next === corpus ? view : withCorpus(view, next);
    }
    case 'CycleStarted': case 'CandidateGenerated': case 'CandidateRejected': case 'CandidateEvaluated':
    case 'NoveltyAssessed': case 'CandidateNotAdmitted': case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned':
    case 'GeneratorFineTuneSkipped': case 'CycleCompleted': case 'ExperimentCompleted': case 'ExperimentFailed':
    case 'JobClaimed': case 'JobFailed':
    case 'ReviewStarted': case 'CandidateReviewed': case 'ReviewCompleted':
    case 'ProxyStudyStarted': case 'FullTrainRecorded': case 'ProxyRerunRecorded': case 'ProxyStudyCompleted':
      return view;
    default:
      return assertNever(event, 'corpus');
  }
}

function withCorpus(view: CorpusView, corpus: ExperimentCorpus): CorpusView {
  return { experiments: withKey(view.experiments, corpus.experimentId, corpus) };
}

function copyCorpus(c: ExperimentCorpus): Draft<ExperimentCorpus> {
  return { experimentId: c.experimentId, members: c.members };
}

export const corpusProjection: Projection<CorpusView> = {
  name: 'corpus',
  codeVersion: CORPUS_VERSION,
  handledEventTypes: corpusHandledTypes,
  initialView: initialCorpusView,
  evolve: evolveCorpus,
};
