import type { RejectionStage } from '../../domain/experiment/events';

/**
 * Per-cycle accumulators. While a cycle is open it keeps its working sets (valid accuracies by candidate, MinHash
 * signatures); CycleCompleted freezes the statistics that need them and drops them, so snapshots of a long ledger
 * stay small. The decider guarantees no candidate event of a cycle follows its CycleCompleted.
 */
export interface CycleAccumulator {
  readonly cycle: number;
  completed: boolean;
  generated: number;
  valid: number;
  /** Valid candidates with accuracy >= τ: the elites. */
  aboveThreshold: number;
  admitted: number;
  notAdmitted: number;
  rejectionsByStage: Partial<Record<RejectionStage, number>>;
  bestAccuracy: number | null;
  noveltySum: number;
  noveltyCount: number;
  /** Corpus size after this cycle: running while open, CycleCompleted's figure once completed. */
  corpusSize: number;
  /** Open cycles only: accuracy of each valid candidate (novelty counts only candidates listed here). */
  validAccuracies: Record<string, number>;
  /** Open cycles only: base64 MinHash signatures of the valid candidates assessed so far. */
  signatures: string[];
  /** Frozen at completion. */
  frozen: FrozenCycleFigures | null;
}

export interface FrozenCycleFigures {
  readonly meanAccuracy: number | null;
  /** t 95% interval; null below two valid candidates. */
  readonly meanAccuracyCI: readonly [number, number] | null;
  readonly medianAccuracy: number | null;
  /** Mean pairwise MinHash-Jaccard distance; null below two valid candidates. */
  readonly diversity: number | null;
}

export interface ExperimentCycleStats {
  readonly experimentId: string;
  /** Admission threshold τ from the registered config. */
  readonly threshold: number;
  corpusSize: number;
  /** Keyed by cycle number. */
  cycles: Record<string, CycleAccumulator>;
}

export interface CycleStatisticsView {
  experiments: Record<string, ExperimentCycleStats>;
}

/** One row of `stats --json`: rates are fractions, intervals [low, high], null where the sample is too small. */
export interface CycleStatsRow {
  readonly cycle: number;
  readonly completed: boolean;
  readonly generated: number;
  readonly valid: number;
  readonly validRate: number | null;
  readonly validRateCI: readonly [number, number] | null;
  readonly meanAccuracy: number | null;
  readonly meanAccuracyCI: readonly [number, number] | null;
  readonly medianAccuracy: number | null;
  readonly bestAccuracy: number | null;
  readonly aboveThreshold: number | null;
  readonly aboveThresholdCI: readonly [number, number] | null;
  readonly admitted: number;
  readonly corpusSize: number;
  readonly eliteConcentration: number | null;
  readonly diversity: number | null;
  readonly novelty: number | null;
  readonly rejectionsByStage: Readonly<Partial<Record<RejectionStage, number>>>;
  readonly threshold: number;
}
