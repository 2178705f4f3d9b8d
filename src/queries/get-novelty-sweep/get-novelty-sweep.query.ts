import type { AcrossSeeds } from '../../../projections/experiment-groups/query';
import type { NoveltyAuditResult } from '../../../projections/novelty-audit/query';
import { GroupAsOfQuery } from '../group-query';
import type { AsOfInfo } from '../query-result';

/** One τ of a novelty-threshold sweep: across-seed figures and the runs' own audits. */
export interface NoveltySweepRow {
  readonly variant: string;
  readonly tau: number;
  readonly experimentIds: readonly string[];
  readonly seeds: readonly number[];
  readonly admitted: AcrossSeeds;
  /** Mean pairwise exact Jaccard distance of the final corpus. */
  readonly diversity: AcrossSeeds;
  /** The closest pair of the corpus, by exact Jaccard distance. */
  readonly minDistance: AcrossSeeds;
  /** Candidates at or above the accuracy threshold that the novelty filter turned away. */
  readonly turnedAway: AcrossSeeds;
  /** Pooled over the seeds: the turned-away candidates' accuracies against the admitted ones'. */
  readonly turnedAwayMeanAccuracy: number | null;
  readonly admittedMeanAccuracy: number | null;
  readonly turnedAwayBetterThanMedianAdmitted: number;
  readonly runs: readonly NoveltyAuditResult[];
}

export interface NoveltySweepResult extends AsOfInfo {
  readonly groupId: string;
  readonly rows: readonly NoveltySweepRow[];
}

/** A novelty-threshold sweep (`ablate --novelty-thresholds`) read back from its group. */
export class GetNoveltySweepQuery extends GroupAsOfQuery<NoveltySweepResult> {}
