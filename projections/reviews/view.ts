import type { PersistentMap } from '../shared/persistent-map';
import type { ReviewEnvironment, ReviewScope, ReviewVerdict } from '../../domain/review/review.events';

export interface ReviewSummary {
  readonly reviewId: string;
  readonly experimentId: string;
  readonly status: 'started' | 'completed';
  readonly reviewer: string;
  readonly scope: ReviewScope;
  /** Candidates in scope. */
  readonly planned: number;
  /** Verdicts recorded so far. */
  readonly reviewed: number;
  readonly counts: Readonly<Record<ReviewVerdict, number>>;
  readonly environment: ReviewEnvironment;
  readonly toolVersion: string;
  readonly startedAt: string;
  readonly completedAt: string | null;
  readonly startedPosition: number;
  readonly lastPosition: number;
}

/** One verdict of one review on one candidate, as provenance lists it. */
export interface CandidateVerdict {
  readonly reviewId: string;
  readonly experimentId: string;
  readonly candidateId: string;
  readonly verdict: ReviewVerdict;
  readonly deltas: Readonly<Record<string, number>>;
  readonly likelyCause: string | null;
  readonly recordedAt: string;
  readonly position: number;
}

/** Per experiment: which candidates were reviewed, and each one's latest verdict (any review). */
export interface ExperimentReviews {
  readonly experimentId: string;
  /** Review ids, oldest first. */
  readonly reviewIds: readonly string[];
  readonly latestVerdicts: PersistentMap<ReviewVerdict>;
  /** Distinct candidates with at least one verdict. */
  readonly reviewedCandidates: number;
  /** Distinct candidates by their latest verdict. */
  readonly candidatesByVerdict: Readonly<Record<ReviewVerdict, number>>;
}

export interface ReviewsView {
  readonly reviews: PersistentMap<ReviewSummary>;
  /** Verdicts by candidate id, in log order. */
  readonly verdicts: PersistentMap<readonly CandidateVerdict[]>;
  readonly experiments: PersistentMap<ExperimentReviews>;
}
