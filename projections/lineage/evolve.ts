import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEvent, LedgerEventType } from '../../domain/experiment/events';
import { withKey, type Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { eventRef } from '../shared/event-ref';
import { assertNever } from '../shared/assert-never';
import { corpusHandledTypes, evolveCorpus, initialCorpusView } from '../corpus/evolve';
import type { ExperimentLineage, LineageView } from './view';

/** 2: the embedded corpus members are a persistent vector (evolve became pure). */
export const LINEAGE_VERSION = '2';

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
  const corpus = evolveCorpus(view.corpus, recorded);
  const lineage = lineageChange(view, event, recorded);
  if (!lineage) return corpus === view.corpus ? view : { experiments: view.experiments, corpus };
  return { experiments: withKey(view.experiments, lineage.experimentId, lineage), corpus };
}

/** The experiment's lineage after the event, or null when the event leaves every lineage as it was. */
function lineageChange(view: LineageView, event: LedgerEvent, recorded: RecordedEvent): ExperimentLineage | null {
  switch (event.type) {
    case 'ExperimentRegistered': {
      const { experimentId, configHash } = event.data;
      return {
        experimentId, configHash, registered: eventRef(recorded), seeded: null, initialGenerator: null,
        fineTunes: {}, fineTuneRequests: {},
      };
    }
    case 'CorpusSeeded': {
      const lineage = view.experiments[event.data.experimentId];
      if (!lineage) return null;
      const { corpusHash, entries, source } = event.data;
      return { ...lineage, seeded: { seeded: eventRef(recorded), corpusHash, entries: entries.length, source } };
    }
    case 'CycleStarted': {
      const lineage = view.experiments[event.data.experimentId];
      if (!lineage || lineage.initialGenerator) return null;
      return { ...lineage, initialGenerator: { generator: event.data.generator, firstUsedIn: eventRef(recorded) } };
    }
    case 'GeneratorFineTuneRequested': {
      const lineage = view.experiments[event.data.experimentId];
      if (!lineage) return null;
      const { cycle, from, corpusVersion, corpusHash } = event.data;
      const request = { cycle, from, corpusVersion, corpusHash, requested: eventRef(recorded) };
      return { ...lineage, fineTuneRequests: { ...lineage.fineTuneRequests, [String(cycle)]: request } };
    }
    case 'GeneratorFineTuned': {
      const lineage = view.experiments[event.data.experimentId];
      if (!lineage) return null;
      const { cycle, from, to, adapterHash, corpusVersion, loss, durationMs } = event.data;
      const fineTune = { cycle, from, to, adapterHash, corpusVersion, loss, durationMs, fineTuned: eventRef(recorded) };
      return { ...lineage, fineTunes: { ...lineage.fineTunes, [to.version]: fineTune } };
    }
    case 'CandidateAdmitted':
    case 'CandidateGenerated': case 'CandidateRejected': case 'CandidateEvaluated': case 'NoveltyAssessed':
    case 'CandidateNotAdmitted': case 'GeneratorFineTuneSkipped': case 'CycleCompleted': case 'ExperimentCompleted':
    case 'ExperimentFailed': case 'JobClaimed': case 'JobFailed':
    case 'ReviewStarted': case 'CandidateReviewed': case 'ReviewCompleted':
    case 'ProxyStudyStarted': case 'FullTrainRecorded': case 'ProxyRerunRecorded': case 'ProxyStudyCompleted':
      return null;
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
