import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { ReviewVerdict } from '../../domain/review/review.events';
import { foldEvents } from '../shared/projection';
import { get, values } from '../shared/persistent-map';
import { reviewsProjection } from './evolve';
import type { CandidateVerdict, ReviewSummary, ReviewsView } from './view';

/** The reviews read model as of a log prefix: events up to `position` (all when absent). Time travel is this fold. */
export function reviewsAsOf(events: readonly RecordedEvent[], position?: number): ReviewsView {
  const prefix = position === undefined ? events : events.filter((e) => e.globalPosition <= position);
  return foldEvents(reviewsProjection, prefix);
}

export function reviewOf(view: ReviewsView, reviewId: string): ReviewSummary | null {
  return get(view.reviews, reviewId) ?? null;
}

/** An experiment's reviews, oldest first. */
export function reviewsOfExperiment(view: ReviewsView, experimentId: string): ReviewSummary[] {
  const ids = get(view.experiments, experimentId)?.reviewIds ?? [];
  return ids.map((id) => get(view.reviews, id)).filter((r): r is ReviewSummary => r !== undefined);
}

/** Every review, oldest first. */
export function allReviews(view: ReviewsView): ReviewSummary[] {
  return values(view.reviews).sort((a, b) => a.startedPosition - b.startedPosition);
}

/** A candidate's verdicts, from every review, in log order (what provenance lists). */
export function verdictsOfCandidate(view: ReviewsView, candidateId: string): readonly CandidateVerdict[] {
  return get(view.verdicts, candidateId) ?? [];
}

export interface ExperimentReviewStats {
  readonly reviews: number;
  /** Distinct candidates with at least one verdict. */
  readonly reviewed: number;
  /** Distinct candidates whose latest verdict is `reproduced` (bit-identical). */
  readonly reproduced: number;
  /** Distinct candidates by their latest verdict. */
  readonly byVerdict: Readonly<Record<ReviewVerdict, number>>;
}

/** What stats and the dashboard show per experiment: how many candidates were reviewed and how many reproduced. */
export function reviewStatsOf(view: ReviewsView, experimentId: string): ExperimentReviewStats {
  const experiment = get(view.experiments, experimentId);
  if (!experiment) {
    return { reviews: 0, reviewed: 0, reproduced: 0, byVerdict: { reproduced: 0, 'within-tolerance': 0, diverged: 0, 'not-reproducible': 0 } };
  }
  return {
    reviews: experiment.reviewIds.length, reviewed: experiment.reviewedCandidates, reproduced: experiment.candidatesByVerdict.reproduced,
    byVerdict: { ...experiment.candidatesByVerdict },
  };
}
