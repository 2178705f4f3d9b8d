import { get } from '../shared/persistent-map';
import { wilson95 } from './figures';
import { cycleFigures, cyclesOf } from './evolve';
import type { CycleAccumulator, CycleStatisticsView, CycleStatsRow } from './view';

/** Admission threshold τ of the experiment's registered config; null when the view has no such experiment. */
export function thresholdOf(view: CycleStatisticsView, experimentId: string): number | null {
  return get(view.experiments, experimentId)?.threshold ?? null;
}

/** The per-cycle table of one experiment, in cycle order; null when the view has no such experiment. */
export function cycleStatsRows(view: CycleStatisticsView, experimentId: string): CycleStatsRow[] | null {
  const experiment = get(view.experiments, experimentId);
  if (!experiment) return null;
  return cyclesOf(experiment).map((cycle) => rowOf(cycle, experiment.threshold));
}

function rowOf(cycle: CycleAccumulator, threshold: number): CycleStatsRow {
  const figures = cycleFigures(cycle);
  const { generated, valid } = cycle;
  return {
    cycle: cycle.cycle,
    completed: cycle.completed,
    generated,
    valid,
    validRate: generated > 0 ? valid / generated : null,
    validRateCI: wilson95(valid, generated),
    meanAccuracy: figures.meanAccuracy,
    meanAccuracyCI: figures.meanAccuracyCI,
    medianAccuracy: figures.medianAccuracy,
    bestAccuracy: cycle.bestAccuracy,
    aboveThreshold: valid > 0 ? cycle.aboveThreshold / valid : null,
    aboveThresholdCI: wilson95(cycle.aboveThreshold, valid),
    admitted: cycle.admitted,
    corpusSize: cycle.corpusSize,
    eliteConcentration: generated > 0 ? cycle.aboveThreshold / generated : null,
    diversity: figures.diversity,
    novelty: cycle.noveltyCount > 0 ? cycle.noveltySum / cycle.noveltyCount : null,
    rejectionsByStage: { ...cycle.rejectionsByStage },
    threshold,
  };
}
