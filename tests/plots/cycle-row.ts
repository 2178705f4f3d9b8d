import type { CycleStatsRow } from '../../projections/cycle-statistics/view';

/** A per-cycle statistics row for the chart specs: plausible values, with the counts a spec is about. */
export const cycleRow = (cycle: number, admitted: number, corpusSize: number): CycleStatsRow => ({
  cycle, completed: true, generated: 20, valid: 18, validRate: 0.9, validRateCI: [0.7, 0.97], meanAccuracy: 0.5, meanAccuracyCI: [0.4, 0.6],
  medianAccuracy: 0.5, bestAccuracy: 0.66, aboveThreshold: 0.9, aboveThresholdCI: [0.7, 0.97], admitted, corpusSize,
  eliteConcentration: 0.9, diversity: 0.3, novelty: 0.1, threshold: 0.3, rejectionsByStage: {},
} as unknown as CycleStatsRow);
