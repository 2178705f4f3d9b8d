import type { EventStore } from '../../src/ledger/event-store.port';
import type { ReviewEvaluateJob } from '../../src/bus/agent-job';
import type { ReviewFinding } from './review-compare';

/** The review's stream and verdict event (their decider lives in domain/review/). */
export const reviewStreamId = (reviewId: string): string => `review-${reviewId}`;
export const REVIEW_VERDICT_TYPE = 'CandidateReviewed';

export interface FindingMetadata {
  readonly actor: string;
  readonly now?: () => Date;
}

/** Records one candidate's finding on the review's stream, command id from the review and the candidate. */
export async function recordFinding(store: EventStore, job: ReviewEvaluateJob, finding: ReviewFinding, meta: FindingMetadata): Promise<void> {
  void store; void job; void finding; void meta;
  await Promise.reject(new Error('review decider not wired yet'));
}
