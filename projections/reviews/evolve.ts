import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import { REVIEW_VERDICTS, type ReviewVerdict } from '../../domain/review/review.events';
import type { Projection } from '../shared/projection';
import { emptyMap, get, set, update } from '../shared/persistent-map';
import { asLedgerEvent } from '../shared/ledger-event';
import type { CandidateVerdict, ExperimentReviews, ReviewsView } from './view';

/** 1: reviews, verdicts per candidate, reviewed/reproduced counts per experiment. */
export const REVIEWS_VERSION = '1';

export const reviewsHandledTypes: readonly LedgerEventType[] = ['ReviewStarted', 'CandidateReviewed', 'ReviewCompleted'];

export function initialReviewsView(): ReviewsView {
  return { reviews: emptyMap(), verdicts: emptyMap(), experiments: emptyMap() };
}

const zeroCounts = (): Record<ReviewVerdict, number> => Object.fromEntries(REVIEW_VERDICTS.map((v) => [v, 0])) as Record<ReviewVerdict, number>;

function experimentOf(view: ReviewsView, experimentId: string): ExperimentReviews {
  return get(view.experiments, experimentId)
    ?? { experimentId, reviewIds: [], latestVerdicts: emptyMap(), reviewedCandidates: 0, candidatesByVerdict: zeroCounts() };
}

/** The candidate's latest verdict becomes `verdict`: the per-experiment counts move from the old one to it. */
function withLatestVerdict(experiment: ExperimentReviews, candidateId: string, verdict: ReviewVerdict): ExperimentReviews {
  const previous = get(experiment.latestVerdicts, candidateId);
  const counts = { ...experiment.candidatesByVerdict };
  if (previous !== undefined) counts[previous]--;
  counts[verdict]++;
  return {
    ...experiment, latestVerdicts: set(experiment.latestVerdicts, candidateId, verdict),
    reviewedCandidates: experiment.reviewedCandidates + (previous === undefined ? 1 : 0), candidatesByVerdict: counts,
  };
}

export function evolveReviews(view: ReviewsView, recorded: RecordedEvent): ReviewsView {
  const event = asLedgerEvent(recorded);
  if (!event) return view;
  switch (event.type) {
    case 'ReviewStarted': {
      const { reviewId, experimentId, scope, candidateIds, reviewer, environment, toolVersion } = event.data;
      const experiment = experimentOf(view, experimentId);
      return {
        ...view,
        reviews: set(view.reviews, reviewId, {
          reviewId, experimentId, status: 'started', reviewer, scope, planned: candidateIds.length, reviewed: 0, counts: zeroCounts(),
          environment, toolVersion, startedAt: recorded.metadata.recordedAt, completedAt: null,
          startedPosition: recorded.globalPosition, lastPosition: recorded.globalPosition,
        }),
        experiments: set(view.experiments, experimentId, { ...experiment, reviewIds: [...experiment.reviewIds, reviewId] }),
      };
    }
    case 'CandidateReviewed': {
      const { reviewId, experimentId, candidateId, verdict, deltas, likelyCause } = event.data;
      // A verdict of a review the view never saw start (a truncated import) is ignored rather than invented. (Checked
      // first: inside a transient fold `update` may change the map in place, so identity says nothing.)
      if (get(view.reviews, reviewId) === undefined) return view;
      const reviews = update(view.reviews, reviewId, (r) => r && {
        ...r, reviewed: r.reviewed + 1, counts: { ...r.counts, [verdict]: r.counts[verdict] + 1 }, lastPosition: recorded.globalPosition,
      });
      const entry: CandidateVerdict = {
        reviewId, experimentId, candidateId, verdict, deltas, likelyCause, recordedAt: recorded.metadata.recordedAt, position: recorded.globalPosition,
      };
      return {
        reviews,
        verdicts: set(view.verdicts, candidateId, [...(get(view.verdicts, candidateId) ?? []), entry]),
        experiments: set(view.experiments, experimentId, withLatestVerdict(experimentOf(view, experimentId), candidateId, verdict)),
      };
    }
    case 'ReviewCompleted': {
      if (get(view.reviews, event.data.reviewId) === undefined) return view;
      const reviews = update(view.reviews, event.data.reviewId, (r) => r && {
        ...r, status: 'completed' as const, completedAt: recorded.metadata.recordedAt, lastPosition: recorded.globalPosition,
      });
      return { ...view, reviews };
    }
    default:
      return view; // every other event: reviews read them, they do not change a review
  }
}

export const reviewsProjection: Projection<ReviewsView> = {
  name: 'reviews',
  codeVersion: REVIEWS_VERSION,
  handledEventTypes: reviewsHandledTypes,
  initialView: initialReviewsView,
  evolve: evolveReviews,
};
