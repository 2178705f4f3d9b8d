import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { assertNever } from '../shared/assert-never';
import type { ExperimentsView } from './view';

export const EXPERIMENTS_VERSION = '1';

export const experimentsHandledTypes: readonly LedgerEventType[] = [
  'ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'CandidateGenerated', 'CandidateRejected', 'CandidateEvaluated',
  'NoveltyAssessed', 'CandidateAdmitted', 'CandidateNotAdmitted', 'GeneratorFineTuneRequested', 'GeneratorFineTuned',
  'GeneratorFineTuneSkipped', 'CycleCompleted', 'ExperimentCompleted', 'ExperimentFailed',
];

export function initialExperimentsView(): ExperimentsView {
  return { experiments: {} };
}

export function evolveExperiments(view: ExperimentsView, recorded: RecordedEvent): ExperimentsView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  if (event.type === 'JobClaimed' || event.type === 'JobFailed') return view;
  if (event.type === 'ExperimentRegistered') {
    const { experimentId, name, config, configHash } = event.data;
    view.experiments[experimentId] = {
      experimentId, name, status: 'registered', configHash, cyclesPlanned: config.cycles, cyclesDone: 0,
      currentCycle: null, candidates: 0, admitted: 0, registeredAt: recorded.metadata.recordedAt,
      headPosition: recorded.globalPosition, failure: null,
    };
    return view;
  }
  const summary = view.experiments[event.data.experimentId];
  if (!summary) return view;
  summary.headPosition = recorded.globalPosition;
  switch (event.type) {
    case 'CycleStarted':
      summary.status = 'running';
      summary.currentCycle = event.data.cycle;
      return view;
    case 'CandidateGenerated':
      summary.candidates++;
      return view;
    case 'CandidateAdmitted':
      summary.admitted++;
      return view;
    case 'CycleCompleted':
      summary.cyclesDone = Math.max(summary.cyclesDone, event.data.cycle);
      summary.currentCycle = null;
      return view;
    case 'ExperimentCompleted':
      summary.status = 'completed';
      return view;
    case 'ExperimentFailed':
      summary.status = 'failed';
      summary.failure = event.data.reason;
      return view;
    case 'CorpusSeeded': case 'CandidateRejected': case 'CandidateEvaluated': case 'NoveltyAssessed':
    case 'CandidateNotAdmitted': case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned': case 'GeneratorFineTuneSkipped':
      return view;
    default:
      return assertNever(event, 'experiments');
  }
}

export const experimentsProjection: Projection<ExperimentsView> = {
  name: 'experiments',
  codeVersion: EXPERIMENTS_VERSION,
  handledEventTypes: experimentsHandledTypes,
  initialView: initialExperimentsView,
  evolve: evolveExperiments,
};
