import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEvent, LedgerEventType } from '../../domain/experiment/events';
import type { Draft, Projection } from '../shared/projection';
import { emptyMap, set, update } from '../shared/persistent-map';
import { asLedgerEvent } from '../shared/ledger-event';
import { editable } from '../shared/transient';
import { assertNever } from '../shared/assert-never';
import type { ExperimentSummary, ExperimentsView } from './view';

/** 2: experiments in a persistent map (evolve became pure). */
export const EXPERIMENTS_VERSION = '2';

export const experimentsHandledTypes: readonly LedgerEventType[] = [
  'ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'CandidateGenerated', 'CandidateRejected', 'CandidateEvaluated',
  'NoveltyAssessed', 'CandidateAdmitted', 'CandidateNotAdmitted', 'GeneratorFineTuneRequested', 'GeneratorFineTuned',
  'GeneratorFineTuneSkipped', 'CycleCompleted', 'ExperimentCompleted', 'ExperimentFailed',
];

export function initialExperimentsView(): ExperimentsView {
  return { experiments: emptyMap() };
}

export function evolveExperiments(view: ExperimentsView, recorded: RecordedEvent): ExperimentsView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  if (event.type === 'JobClaimed' || event.type === 'JobFailed') return view;
  if (event.type === 'ExperimentRegistered') {
    const { experimentId, name, config, configHash } = event.data;
    return withSummary(view, {
      experimentId, name, status: 'registered', configHash, cyclesPlanned: config.cycles, cyclesDone: 0,
      currentCycle: null, candidates: 0, admitted: 0, registeredAt: recorded.metadata.recordedAt,
      headPosition: recorded.globalPosition, failure: null,
    });
  }
  const experiments = update(view.experiments, event.data.experimentId,
    (summary) => summary && evolveSummary(summary, event, recorded.globalPosition));
  return experiments === view.experiments ? view : { experiments };
}

type ExperimentEvent = Exclude<LedgerEvent, { readonly type: 'ExperimentRegistered' | 'JobClaimed' | 'JobFailed' }>;

function evolveSummary(summary: ExperimentSummary, event: ExperimentEvent, position: number): ExperimentSummary {
  const next = editable(summary, copyOf);
  next.headPosition = position;
  switch (event.type) {
    case 'CycleStarted':
      next.status = 'running';
      next.currentCycle = event.data.cycle;
      break;
    case 'CandidateGenerated':
      next.candidates++;
      break;
    case 'CandidateAdmitted':
      next.admitted++;
      break;
    case 'CycleCompleted':
      next.cyclesDone = Math.max(summary.cyclesDone, event.data.cycle);
      next.currentCycle = null;
      break;
    case 'ExperimentCompleted':
      next.status = 'completed';
      break;
    case 'ExperimentFailed':
      next.status = 'failed';
      next.failure = event.data.reason;
      break;
    case 'CorpusSeeded': case 'CandidateRejected': case 'CandidateEvaluated': case 'NoveltyAssessed':
    case 'CandidateNotAdmitted': case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned': case 'GeneratorFineTuneSkipped':
    case 'ReviewStarted': case 'CandidateReviewed': case 'ReviewCompleted':
    case 'ProxyStudyStarted': case 'FullTrainRecorded': case 'ProxyRerunRecorded': case 'ProxyStudyCompleted':
      break;
    default:
      return assertNever(event, 'experiments');
  }
  return next;
}

function withSummary(view: ExperimentsView, summary: ExperimentSummary): ExperimentsView {
  return { experiments: set(view.experiments, summary.experimentId, summary) };
}

function copyOf(s: ExperimentSummary): Draft<ExperimentSummary> {
  return {
    experimentId: s.experimentId, name: s.name, status: s.status, configHash: s.configHash, cyclesPlanned: s.cyclesPlanned,
    cyclesDone: s.cyclesDone, currentCycle: s.currentCycle, candidates: s.candidates, admitted: s.admitted,
    registeredAt: s.registeredAt, headPosition: s.headPosition, failure: s.failure,
  };
}

export const experimentsProjection: Projection<ExperimentsView> = {
  name: 'experiments',
  codeVersion: EXPERIMENTS_VERSION,
  handledEventTypes: experimentsHandledTypes,
  initialView: initialExperimentsView,
  evolve: evolveExperiments,
};
