import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { eventRef } from '../shared/event-ref';
import { assertNever } from '../shared/assert-never';
import { corpusHandledTypes, evolveCorpus, initialCorpusView } from '../corpus/evolve';
import type { LineageView } from './view';

export const LINEAGE_VERSION = '1';

export const lineageHandledTypes: readonly LedgerEventType[] = [
  ...new Set<LedgerEventType>([...corpusHandledTypes,
    'ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'GeneratorFineTuneRequested', 'GeneratorFineTuned']),
];

export function initialLineageView(): LineageView {
  return { experiments: {}, corpus: initialCorpusView() };
}

export function evolveLineage(view: LineageView, recorded: RecordedEvent): LineageView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  view.corpus = evolveCorpus(view.corpus, recorded);
  switch (event.type) {
    case 'ExperimentRegistered': {
      const { experimentId, configHash } = event.data;
      view.experiments[experimentId] = {
        experimentId, configHash, registered: eventRef(recorded), seeded: null, initialGenerator: null,
        fineTunes: {}, fineTuneRequests: {},
      };
      return view;
    }
    case 'CorpusSeeded': {
      const lineage = view.experiments[event.data.experimentId];
      if (lineage) {
        lineage.seeded = {
          seeded: eventRef(recorded), corpusHash: event.data.corpusHash, entries: event.data.entries.length, source: event.data.source,
        };
      }
      return view;
    }
    case 'CycleStarted': {
      const lineage = view.experiments[event.data.experimentId];
      if (lineage && !lineage.initialGenerator) {
        lineage.initialGenerator = { generator: event.data.generator, firstUsedIn: eventRef(recorded) };
      }
      return view;
    }
    case 'GeneratorFineTuneRequested': {
      const lineage = view.experiments[event.data.experimentId];
      if (lineage) {
        const { cycle, from, corpusVersion, corpusHash } = event.data;
        lineage.fineTuneRequests[String(cycle)] = { cycle, from, corpusVersion, corpusHash, requested: eventRef(recorded) };
      }
      return view;
    }
    case 'GeneratorFineTuned': {
      const lineage = view.experiments[event.data.experimentId];
      if (lineage) {
        const { cycle, from, to, adapterHash, corpusVersion, loss, durationMs } = event.data;
        lineage.fineTunes[to.version] = { cycle, from, to, adapterHash, corpusVersion, loss, durationMs, fineTuned: eventRef(recorded) };
      }
      return view;
    }
    case 'CandidateAdmitted':
    case 'CandidateGenerated': case 'CandidateRejected': case 'CandidateEvaluated': case 'NoveltyAssessed':
    case 'CandidateNotAdmitted': case 'GeneratorFineTuneSkipped': case 'CycleCompleted': case 'ExperimentCompleted':
    case 'ExperimentFailed': case 'JobClaimed': case 'JobFailed':
      return view;
    default:
      return assertNever(event, 'lineage');
  }
}

export const lineageProjection: Projection<LineageView> = {
  name: 'lineage',
  codeVersion: LINEAGE_VERSION,
  handledEventTypes: lineageHandledTypes,
  initialView: initialLineageView,
  evolve: evolveLineage,
};
