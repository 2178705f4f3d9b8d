import type { RejectionStage } from '../../domain/experiment/events';
import type { PersistentMap } from '../shared/persistent-map';
import type { PersistentVector } from '../shared/persistent-vector';

/**
 * Per-cycle accumulators. While a cycle is open it keeps its working sets (valid accuracies, MinHash signatures);
 * CycleCompleted freezes the statistics that need them and drops them, so snapshots of a long ledger stay small.
 * The decider guarantees no candidate event of a cycle follows its CycleCompleted.
 */
export interface CycleAccumulator {
  readonly cycle: number;
  readonly completed: boolean;
  readonly generated: number;
  readonly valid: number;
  /** Valid candidates with accuracy >= τ: the elites. */
  readonly aboveThreshold: number;
  readonly admitted: number;
  readonly notAdmitted: number;
  readonly rejectionsByStage: Readonly<Partial<Record<RejectionStage, number>>>;
  readonly bestAccuracy: number | null;
  readonly noveltySum: number;
  readonly noveltyCount: number;
  /** Corpus size after this cycle: running while open, CycleCompleted's figure once completed. */
  readonly corpusSize: number;
  /** Open cycles only: the valid candidates' accuracies, in evaluation order (the order the figures sum them in). */
  readonly validAccuracies: PersistentVector<number>;
  /** Open cycles only: where each valid candidate's accuracy sits in validAccuracies (novelty counts only these). */
  readonly validPositions: PersistentMap<number>;
  /** Open cycles only: base64 MinHash signatures of the valid candidates assessed so far. */
  readonly signatures: PersistentVector<string>;
  /** Frozen at completion. */
  readonly frozen: FrozenCycleFigures | null;
}

export interface FrozenCycleFigures {
  readonly meanAccuracy: number | null;
  /** t 95% interval; null below two valid candidates. */
  readonly meanAccuracyCI: readonly [number, number] | null;
  readonly medianAccuracy: number | null;
  /** Mean pairwise MinHash-Jaccard distance; null below two valid candidates. */
  readonly diversity: number | null;
}

/**
 * Cycles are split by state so that a candidate event copies only the list of open cycles (normally one long), never
 * a record of every cycle; CycleCompleted moves a cycle from `openCycles` to `completedCycles`.
 */
export interface ExperimentCycleStats {
  readonly experimentId: string;
  /** Admission threshold τ from the registered config. */
  readonly threshold: number;
  readonly corpusSize: number;
  /** In the order they opened. */
  readonly openCycles: readonly CycleAccumulator[];
  /** Keyed by cycle number. */
  readonly completedCycles: Readonly<Record<string, CycleAccumulator>>;
}

/** Keyed by experiment id. */
export interface CycleStatisticsView {
  readonly experiments: PersistentMap<ExperimentCycleStats>;
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
