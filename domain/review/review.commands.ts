import type { DomainCommand } from '../shared/decider';
import type { CandidateReviewed, ReviewStarted } from './review.events';

/** The review driver measured the facts; the decider checks when they may be recorded. */
export type StartReview = DomainCommand<'StartReview', ReviewStarted['data']>;
export type RecordCandidateReview = DomainCommand<'RecordCandidateReview', CandidateReviewed['data']>;
/** The counts are the decider's, from the verdicts recorded: the caller names only the review. */
export type CompleteReview = DomainCommand<'CompleteReview', { readonly reviewId: string }>;

export type ReviewCommand = StartReview | RecordCandidateReview | CompleteReview;
