import type { ExperimentConfig } from '../../domain/experiment/config';
import type { CycleStatisticsView } from '../cycle-statistics/view';
import type { ExperimentGroupsView } from '../experiment-groups/view';
import type { NoveltyAuditView } from '../novelty-audit/view';

/** What the theory check reads, folded together so that every row answers for one point in history. */
export interface TheoryView {
  readonly stats: CycleStatisticsView;
  readonly audit: NoveltyAuditView;
  readonly groups: ExperimentGroupsView;
  /** Each experiment's registered config, for comparing an experiment with the one it is checked against. */
  readonly configs: Readonly<Record<string, ExperimentConfig>>;
}

export type Verdict = 'consistent' | 'direction only' | 'inconsistent' | 'not enough data';

/** One row of the convergence paper's Table 2, for this ledger. */
export interface TheoryRow {
  readonly result: 'Thm 2' | 'Thm 3' | 'Thm 5' | 'Thm 7' | 'Thm 8';
  readonly claim: string;
  readonly prediction: string;
  /** What this ledger shows, in words with the numbers. */
  readonly observed: string;
  /** The numbers behind `observed` (test statistics, p-values, intervals, named pairs). */
  readonly figures: Readonly<Record<string, unknown>>;
  readonly verdict: Verdict;
  /** The experiments whose events the row was computed from. */
  readonly experimentIds: readonly string[];
}

/**
 * What a proxy study reports, as Thm 8 reads it. No study stream exists yet; the proxy-study read model will hand
 * its result to theoryRows in this shape.
 */
export interface ProxyStudySummary {
  readonly studyId: string;
  readonly n: number;
  readonly snr: number;
  readonly pearson: { readonly coefficient: number; readonly pValue: number };
  readonly spearman: { readonly coefficient: number; readonly pValue: number };
  /** (6/π)·asin(ρ/2) of the measured Pearson ρ. */
  readonly predictedSpearman: number;
  readonly survivesBonferroni: boolean;
}
