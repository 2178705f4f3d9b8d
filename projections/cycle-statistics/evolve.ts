import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEvent, LedgerEventType } from '../../domain/experiment/events';
import { withKey, type Draft, type Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import { assocIndex, editable, owned } from '../shared/transient';
import { assertNever } from '../shared/assert-never';
import { workingSetFigures } from './figures';
import { emptyMap, get, has, set, update } from '../shared/persistent-map';
import { emptyVector, push, set as setAt, toArray } from '../shared/persistent-vector';
import type { CycleAccumulator, CycleStatisticsView, ExperimentCycleStats, FrozenCycleFigures } from './view';

/** 2: cycles split into open and completed, working sets in persistent structures (evolve became pure). */
export const CYCLE_STATISTICS_VERSION = '2';

export const cycleStatisticsHandledTypes: readonly LedgerEventType[] = [
  'ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'CandidateGenerated', 'CandidateRejected',
  'CandidateEvaluated', 'NoveltyAssessed', 'CandidateAdmitted', 'CandidateNotAdmitted', 'CycleCompleted',
];

export function initialCycleStatisticsView(): CycleStatisticsView {
  return { experiments: emptyMap() };
}

export function evolveCycleStatistics(view: CycleStatisticsView, recorded: RecordedEvent): CycleStatisticsView {
  const event = asLedgerEvent(recorded);
  if (!event || event.type === 'JobClaimed' || event.type === 'JobFailed') return view;
  if (event.type === 'ExperimentRegistered') {
    const { experimentId, config } = event.data;
    const experiment = { experimentId, threshold: config.threshold, corpusSize: 0, openCycles: [], completedCycles: {} };
    return { experiments: set(view.experiments, experimentId, experiment) };
  }
  // Candidate events of an unknown experiment (a truncated import) are ignored rather than invented.
  const experiments = update(view.experiments, event.data.experimentId, (experiment) => experiment && evolveExperiment(experiment, event));
  return experiments === view.experiments ? view : { experiments };
}

type ExperimentEvent = Exclude<LedgerEvent, { readonly type: 'ExperimentRegistered' | 'JobClaimed' | 'JobFailed' }>;

function evolveExperiment(experiment: ExperimentCycleStats, event: ExperimentEvent): ExperimentCycleStats {
  switch (event.type) {
    case 'CorpusSeeded': {
      const next = editable(experiment, copyExperiment);
      next.corpusSize += event.data.entries.length;
      return next;
    }
    case 'CycleStarted':
      return changeCycle(experiment, event.data.cycle, () => false);
    case 'CandidateGenerated':
      return changeCycle(experiment, event.data.cycle, (cycle) => { cycle.generated++; });
    case 'CandidateRejected': {
      const { stage } = event.data;
      return changeCycle(experiment, event.data.cycle, (cycle) => {
        const rejections: Draft<CycleAccumulator['rejectionsByStage']> = editable(cycle.rejectionsByStage, (r) => Object.assign({}, r));
        rejections[stage] = (rejections[stage] ?? 0) + 1;
        cycle.rejectionsByStage = rejections;
      });
    }
    case 'CandidateEvaluated': {
      const { candidateId, accuracy } = event.data;
      return changeCycle(experiment, event.data.cycle, (cycle) => {
        cycle.valid++;
        if (cycle.bestAccuracy === null || accuracy > cycle.bestAccuracy) cycle.bestAccuracy = accuracy;
        if (accuracy >= experiment.threshold) cycle.aboveThreshold++;
        // A candidate evaluated twice keeps one accuracy (the latest) in its first place, but counts twice as valid.
        const at = get(cycle.validPositions, candidateId);
        if (at !== undefined) cycle.validAccuracies = setAt(cycle.validAccuracies, at, accuracy);
        else {
          cycle.validPositions = set(cycle.validPositions, candidateId, cycle.validAccuracies.length);
          cycle.validAccuracies = push(cycle.validAccuracies, accuracy);
        }
      });
    }
    case 'NoveltyAssessed': {
      const { candidateId, jTrain, signature } = event.data;
      return changeCycle(experiment, event.data.cycle, (cycle) => {
        // Diversity and novelty are over valid candidates: an assessment of an unevaluated one is not counted.
        if (!has(cycle.validPositions, candidateId)) return false;
        cycle.noveltySum += 1 - jTrain;
        cycle.noveltyCount++;
        cycle.signatures = push(cycle.signatures, signature);
        return true;
      });
    }
    case 'CandidateAdmitted': {
      const cycle = editableCycle(experiment, event.data.cycle);
      cycle.admitted++;
      cycle.corpusSize = experiment.corpusSize + 1;
      const next = withCycle(experiment, cycle);
      next.corpusSize = cycle.corpusSize;
      return next;
    }
    case 'CandidateNotAdmitted':
      return changeCycle(experiment, event.data.cycle, (cycle) => { cycle.notAdmitted++; });
    case 'CycleCompleted': {
      const stored = cycleOf(experiment, event.data.cycle);
      if (stored.completed) return experiment;
      // Before the edit: inside a transient fold the edit may be made to `stored` itself.
      const frozen = cycleFigures(stored);
      const cycle = editableCycle(experiment, event.data.cycle);
      cycle.corpusSize = event.data.corpusSize;
      cycle.frozen = frozen;
      cycle.completed = true;
      cycle.validAccuracies = emptyVector();
      cycle.validPositions = emptyMap();
      cycle.signatures = emptyVector();
      const next = withCycle(experiment, cycle);
      next.corpusSize = event.data.corpusSize;
      return next;
    }
    case 'GeneratorFineTuneRequested': case 'GeneratorFineTuned': case 'GeneratorFineTuneSkipped':
    case 'ExperimentCompleted': case 'ExperimentFailed':
    case 'ReviewStarted': case 'CandidateReviewed': case 'ReviewCompleted':
    case 'ProxyStudyStarted': case 'FullTrainRecorded': case 'ProxyRerunRecorded': case 'ProxyStudyCompleted':
      return experiment;
    default:
      return assertNever(event, 'cycle-statistics');
  }
}

/** The figures that need the working sets: frozen at completion, computed at query time while the cycle is open. */
export function cycleFigures(cycle: CycleAccumulator): FrozenCycleFigures {
  return cycle.frozen ?? workingSetFigures(toArray(cycle.validAccuracies), toArray(cycle.signatures));
}

/** Every cycle of the experiment, open and completed, in cycle order. */
export function cyclesOf(experiment: ExperimentCycleStats): CycleAccumulator[] {
  return [...Object.values(experiment.completedCycles), ...experiment.openCycles].sort((a, b) => a.cycle - b.cycle);
}

/** The stored accumulator of a cycle: open ones first (normally the only one an event names). */
function storedCycle(experiment: ExperimentCycleStats, cycle: number): CycleAccumulator | undefined {
  for (const open of experiment.openCycles) if (open.cycle === cycle) return open;
  return experiment.completedCycles[String(cycle)];
}

/** The experiment's accumulator for a cycle; a fresh one (not yet stored) for a cycle it has not seen. */
function cycleOf(experiment: ExperimentCycleStats, cycle: number): CycleAccumulator {
  return storedCycle(experiment, cycle) ?? {
    cycle, completed: false, generated: 0, valid: 0, aboveThreshold: 0, admitted: 0, notAdmitted: 0,
    rejectionsByStage: {}, bestAccuracy: null, noveltySum: 0, noveltyCount: 0,
    corpusSize: experiment.corpusSize, validAccuracies: emptyVector(), validPositions: emptyMap(), signatures: emptyVector(),
    frozen: null,
  };
}

/**
 * Applies `change` to a copy of the cycle, opening the cycle if the experiment has not seen it; a change that
 * returns false leaves the cycle as it was.
 */
function changeCycle(experiment: ExperimentCycleStats, cycleNumber: number,
  change: (cycle: Draft<CycleAccumulator>) => boolean | void): ExperimentCycleStats {
  const stored = storedCycle(experiment, cycleNumber);
  const cycle = editableCycle(experiment, cycleNumber);
  // A change that returns false has written nothing, so a cycle edited in place is still as it was.
  return change(cycle) === false && stored ? experiment : withCycle(experiment, cycle);
}

/** The cycle's node an update may write to: a copy, or the node itself inside a transient fold that created it. */
function editableCycle(experiment: ExperimentCycleStats, cycleNumber: number): Draft<CycleAccumulator> {
  const stored = storedCycle(experiment, cycleNumber);
  return stored ? editable(stored, copyCycle) : owned(copyCycle(cycleOf(experiment, cycleNumber)));
}

/** A copy of the experiment with the cycle stored in the partition its state says (out of the open ones once completed). */
function withCycle(experiment: ExperimentCycleStats, cycle: CycleAccumulator): Draft<ExperimentCycleStats> {
  const next = editable(experiment, copyExperiment);
  const at = experiment.openCycles.findIndex((open) => open.cycle === cycle.cycle);
  if (cycle.completed) {
    if (at >= 0) next.openCycles = owned(experiment.openCycles.filter((_, i) => i !== at));
    next.completedCycles = withKey(experiment.completedCycles, String(cycle.cycle), cycle);
  } else if (at < 0 || experiment.openCycles[at] !== cycle) {
    // An open cycle edited in place is already where it belongs.
    next.openCycles = assocIndex(experiment.openCycles, at >= 0 ? at : experiment.openCycles.length, cycle);
  }
  return next;
}

function copyExperiment(e: ExperimentCycleStats): Draft<ExperimentCycleStats> {
  return { experimentId: e.experimentId, threshold: e.threshold, corpusSize: e.corpusSize, openCycles: e.openCycles, completedCycles: e.completedCycles };
}

function copyCycle(c: CycleAccumulator): Draft<CycleAccumulator> {
  return {
    cycle: c.cycle, completed: c.completed, generated: c.generated, valid: c.valid, aboveThreshold: c.aboveThreshold,
    admitted: c.admitted, notAdmitted: c.notAdmitted, rejectionsByStage: c.rejectionsByStage, bestAccuracy: c.bestAccuracy,
    noveltySum: c.noveltySum, noveltyCount: c.noveltyCount, corpusSize: c.corpusSize, validAccuracies: c.validAccuracies,
    validPositions: c.validPositions, signatures: c.signatures, frozen: c.frozen,
  };
}

export const cycleStatisticsProjection: Projection<CycleStatisticsView> = {
  name: 'cycle-statistics',
  codeVersion: CYCLE_STATISTICS_VERSION,
  handledEventTypes: cycleStatisticsHandledTypes,
  initialView: initialCycleStatisticsView,
  evolve: evolveCycleStatistics,
};
