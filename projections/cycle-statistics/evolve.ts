import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { assertNever } from '../shared/assert-never';
import { workingSetFigures } from './figures';
import type { CycleAccumulator, CycleStatisticsView, ExperimentCycleStats, FrozenCycleFigures } from './view';

export const CYCLE_STATISTICS_VERSION = '1';

export const cycleStatisticsHandledTypes: readonly LedgerEventType[] = [
  'ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'CandidateGenerated', 'CandidateRejected',
  'CandidateEvaluated', 'NoveltyAssessed', 'CandidateAdmitted', 'CandidateNotAdmitted', 'CycleCompleted',
];

export function initialCycleStatisticsView(): CycleStatisticsView {
  return { experiments: {} };
}

export function evolveCycleStatistics(view: CycleStatisticsView, recorded: RecordedEvent): CycleStatisticsView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  switch (event.type) {
    case 'ExperimentRegistered': {
      const { experimentId, config } = event.data;
      view.experiments[experimentId] = { experimentId, threshold: config.threshold, corpusSize: 0, cycles: {} };
      return view;
    }
    case 'CorpusSeeded': {
      const experiment = view.experiments[event.data.experimentId];
      if (experiment) experiment.corpusSize += event.data.entries.length;
      return view;
    }
    case 'CycleStarted': {
      const experiment = view.experiments[event.data.experimentId];
      if (experiment) cycleOf(experiment, event.data.cycle);
      return view;
    }
    case 'CandidateGenerated': {
      const cycle = cycleIn(view, event.data.experimentId, event.data.cycle);
      if (cycle) cycle.generated++;
      return view;
    }
    case 'CandidateRejected': {
      const cycle = cycleIn(view, event.data.experimentId, event.data.cycle);
      if (cycle) cycle.rejectionsByStage[event.data.stage] = (cycle.rejectionsByStage[event.data.stage] ?? 0) + 1;
      return view;
    }
    case 'CandidateEvaluated': {
      const experiment = view.experiments[event.data.experimentId];
      const cycle = experiment && cycleIn(view, event.data.experimentId, event.data.cycle);
      if (!experiment || !cycle) return view;
      const accuracy = event.data.accuracy;
      cycle.valid++;
      if (cycle.bestAccuracy === null || accuracy > cycle.bestAccuracy) cycle.bestAccuracy = accuracy;
      if (accuracy >= experiment.threshold) cycle.aboveThreshold++;
      cycle.validAccuracies[event.data.candidateId] = accuracy;
      return view;
    }
    case 'NoveltyAssessed': {
      const cycle = cycleIn(view, event.data.experimentId, event.data.cycle);
      // Diversity and novelty are over valid candidates: an assessment of an unevaluated one is not counted.
      if (!cycle || !(event.data.candidateId in cycle.validAccuracies)) return view;
      cycle.noveltySum += 1 - event.data.jTrain;
      cycle.noveltyCount++;
      cycle.signatures.push(event.data.signature);
      return view;
    }
    case 'CandidateAdmitted': {
      const experiment = view.experiments[event.data.experimentId];
      const cycle = cycleIn(view, event.data.experimentId, event.data.cycle);
      if (!experiment || !cycle) return view;
      cycle.admitted++;
      experiment.corpusSize++;
      cycle.corpusSize = experiment.corpusSize;
      return view;
    }
    case 'CandidateNotAdmitted': {
      const cycle = cycleIn(view, event.data.experimentId, event.data.cycle);
      if (cycle) cycle.notAdmitted++;
      return view;
    }
    case 'CycleCompleted': {
      const experiment = view.experiments[event.data.experimentId];
      const cycle = experiment && cycleOf(experiment, event.data.cycle);
      if (!experiment || !cycle || cycle.completed) return view;
      experiment.corpusSize = event.data.corpusSize;
      cycle.corpusSize = event.data.corpusSize;
      cycle.frozen = cycleFigures(cycle);
      cycle.completed = true;
      cycle.validAccuracies = {};
      cycle.signatures = [];
      return view;
    }
    case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned': case 'GeneratorFineTuneSkipped':
    case 'ExperimentCompleted': case 'ExperimentFailed': case 'JobClaimed': case 'JobFailed':
      return view;
    default:
      return assertNever(event, 'cycle-statistics');
  }
}

/** The figures that need the working sets: frozen at completion, computed at query time while the cycle is open. */
export function cycleFigures(cycle: CycleAccumulator): FrozenCycleFigures {
  return cycle.frozen ?? workingSetFigures(Object.values(cycle.validAccuracies), cycle.signatures);
}

function cycleOf(experiment: ExperimentCycleStats, cycle: number): CycleAccumulator {
  const key = String(cycle);
  let acc = experiment.cycles[key];
  if (!acc) {
    acc = {
      cycle, completed: false, generated: 0, valid: 0, aboveThreshold: 0, admitted: 0, notAdmitted: 0,
      rejectionsByStage: {}, bestAccuracy: null, noveltySum: 0, noveltyCount: 0,
      corpusSize: experiment.corpusSize, validAccuracies: {}, signatures: [], frozen: null,
    };
    experiment.cycles[key] = acc;
  }
  return acc;
}

/** Candidate events of an unknown experiment (a truncated import) are ignored rather than invented. */
function cycleIn(view: CycleStatisticsView, experimentId: string, cycle: number): CycleAccumulator | null {
  const experiment = view.experiments[experimentId];
  return experiment ? cycleOf(experiment, cycle) : null;
}

export const cycleStatisticsProjection: Projection<CycleStatisticsView> = {
  name: 'cycle-statistics',
  codeVersion: CYCLE_STATISTICS_VERSION,
  handledEventTypes: cycleStatisticsHandledTypes,
  initialView: initialCycleStatisticsView,
  evolve: evolveCycleStatistics,
};
