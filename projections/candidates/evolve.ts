import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { assertNever } from '../shared/assert-never';
import type { CandidateRow, CandidatesView } from './view';

export const CANDIDATES_VERSION = '1';

export const candidatesHandledTypes: readonly LedgerEventType[] = [
  'ExperimentRegistered', 'CandidateGenerated', 'CandidateRejected', 'CandidateEvaluated', 'NoveltyAssessed',
  'CandidateAdmitted', 'CandidateNotAdmitted',
];

export function initialCandidatesView(): CandidatesView {
  return { experiments: {} };
}

export function evolveCandidates(view: CandidatesView, recorded: RecordedEvent): CandidatesView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  switch (event.type) {
    case 'ExperimentRegistered':
      view.experiments[event.data.experimentId] = { candidates: {} };
      return view;
    case 'CandidateGenerated': {
      const experiment = view.experiments[event.data.experimentId];
      if (!experiment) return view;
      const { candidateId, cycle, index } = event.data;
      experiment.candidates[candidateId] = {
        candidateId, cycle, index, status: 'generated', stage: null, accuracy: null, jTrain: null, admitted: false,
        architectureId: null, notAdmittedReason: null,
      };
      return view;
    }
    case 'CandidateRejected': {
      const row = rowOf(view, event.data.experimentId, event.data.candidateId);
      if (row) { row.status = 'rejected'; row.stage = event.data.stage; }
      return view;
    }
    case 'CandidateEvaluated': {
      const row = rowOf(view, event.data.experimentId, event.data.candidateId);
      if (row) { row.status = 'evaluated'; row.accuracy = event.data.accuracy; }
      return view;
    }
    case 'NoveltyAssessed': {
      const row = rowOf(view, event.data.experimentId, event.data.candidateId);
      if (row) { row.status = 'assessed'; row.jTrain = event.data.jTrain; }
      return view;
    }
    case 'CandidateAdmitted': {
      const row = rowOf(view, event.data.experimentId, event.data.candidateId);
      if (row) { row.status = 'admitted'; row.admitted = true; row.architectureId = event.data.architectureId; }
      return view;
    }
    case 'CandidateNotAdmitted': {
      const row = rowOf(view, event.data.experimentId, event.data.candidateId);
      if (row) { row.status = 'not_admitted'; row.notAdmittedReason = event.data.reason; }
      return view;
    }
    case 'CorpusSeeded': case 'CycleStarted': case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned':
    case 'GeneratorFineTuneSkipped': case 'CycleCompleted': case 'ExperimentCompleted': case 'ExperimentFailed':
    case 'JobClaimed': case 'JobFailed':
      return view;
    default:
      return assertNever(event, 'candidates');
  }
}

function rowOf(view: CandidatesView, experimentId: string, candidateId: string): CandidateRow | undefined {
  return view.experiments[experimentId]?.candidates[candidateId];
}

export const candidatesProjection: Projection<CandidatesView> = {
  name: 'candidates',
  codeVersion: CANDIDATES_VERSION,
  handledEventTypes: candidatesHandledTypes,
  initialView: initialCandidatesView,
  evolve: evolveCandidates,
};
