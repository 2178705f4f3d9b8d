import type { EventStore } from '../ledger/event-store.port';
import type { CandidateReviewed, ReviewStarted, ReviewVerdict } from '../../domain/review/review.events';
import { countVerdicts } from '../../domain/review/review.decider';
import { reviewStreamId } from '../../domain/review/review.events';
import { reviewsAsOf, reviewsOfExperiment } from '../../projections/reviews/query';
import { completeReview as completeReviewCommand, loadReview, reviewStartedOf, startReview as startReviewCommand, type ReviewWriter } from '../reviews/review-commands';

/**
 * The review runner's view of a review's stream: what it starts, reads back and completes, through the review
 * write path (src/reviews/review-commands.ts: handleCommand with the review decider) and the reviews read model.
 */
export interface ReviewRecord {
  readonly reviewId: string;
  readonly experimentId: string;
  readonly started: ReviewStarted['data'];
  readonly startedEventId: string;
  readonly startedAt: string;
  /** The scope resolved, in the order the review works through it. */
  readonly candidateIds: readonly string[];
  readonly verdicts: ReadonlyMap<string, CandidateReviewed['data']>;
  readonly completed: boolean;
  readonly counts: Readonly<Record<ReviewVerdict, number>>;
}

export async function startReview(store: EventStore, data: ReviewStarted['data'], writer: ReviewWriter): Promise<void> {
  await startReviewCommand(store, data, writer);
}

/** The review as recorded so far; NOT_FOUND for an unknown review. */
export async function readReview(store: EventStore, reviewId: string): Promise<ReviewRecord> {
  const state = await loadReview(store, reviewId);
  const started = await reviewStartedOf(store, reviewId);
  const [first] = await store.readStream(reviewStreamId(reviewId), { from: 0, to: 0 });
  return {
    reviewId, experimentId: state.experimentId, started, startedEventId: first?.eventId ?? '', startedAt: first?.metadata.recordedAt ?? '',
    candidateIds: state.candidateIds, verdicts: state.verdicts, completed: state.status === 'completed', counts: countVerdicts(state.verdicts.values()),
  };
}

export async function completeReview(store: EventStore, reviewId: string, writer: ReviewWriter): Promise<void> {
  await completeReviewCommand(store, reviewId, writer);
}

/** One line of `nas-ledger reviews`. */
export interface ReviewListing {
  readonly reviewId: string;
  readonly startedAt: string;
  readonly completedAt: string | null;
  readonly reviewer: string;
  readonly candidates: number;
  readonly reviewed: number;
  readonly completed: boolean;
  readonly counts: Readonly<Record<string, number>>;
  readonly toolVersion: string;
}

/** An experiment's reviews, oldest first, from the reviews read model. */
export async function listReviews(store: EventStore, experimentId: string): Promise<ReviewListing[]> {
  const events = await store.readAll({ types: ['ReviewStarted', 'CandidateReviewed', 'ReviewCompleted'] });
  return reviewsOfExperiment(reviewsAsOf(events), experimentId).map((r) => ({
    reviewId: r.reviewId, startedAt: r.startedAt, completedAt: r.completedAt, reviewer: r.reviewer, candidates: r.planned, reviewed: r.reviewed,
    completed: r.status === 'completed', counts: r.counts, toolVersion: r.toolVersion,
  }));
}
