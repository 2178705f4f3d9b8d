import { LedgerError } from '../../domain/shared/ledger-error';
import { streamIds } from '../../domain/experiment/events';
import { firstEvent } from '../../domain/experiment/ledger-event';
import { reviewDecider, type ReviewState } from '../../domain/review/review.decider';
import { reviewCommandIds, reviewStreamId, type CandidateReviewed, type ReviewEvent, type ReviewStarted } from '../../domain/review/review.events';
import type { EventStore } from '../ledger/event-store.port';
import { foldStream, handleCommand, type HandledCommand } from '../ledger/handle-command';

/**
 * The review stream's writes, all through the one write path (handleCommand with reviewDecider). Command ids come
 * from the review id and the candidate (reviewCommandIds), so a review killed with -9 and resumed finds what it
 * had recorded (outcome 'already-recorded') and repeats nothing.
 */
export interface ReviewWriter {
  /** `review/<user>` or `agent/<id>`: who ran the review (the events' metadata.actor). */
  readonly actor: string;
  readonly now?: () => Date;
}

export type ReviewWrite = HandledCommand<ReviewEvent, ReviewState>;

const meta = (writer: ReviewWriter, reviewId: string, commandId: string) => ({
  commandId, correlationId: `review:${reviewId}`, causationId: null, actor: writer.actor, ...(writer.now ? { now: writer.now } : {}),
});

/** Starts a review of a registered experiment: NOT_FOUND for an unknown experiment, nothing written. */
export async function startReview(store: EventStore, data: ReviewStarted['data'], writer: ReviewWriter): Promise<ReviewWrite> {
  const experiment = await store.readStream(streamIds.experiment(data.experimentId));
  if (!firstEvent(experiment, 'ExperimentRegistered')) {
    throw new LedgerError('NOT_FOUND', `no experiment ${data.experimentId}`, '`nas-ledger experiments` lists the experiments of this store.');
  }
  return handleCommand(store, reviewStreamId(data.reviewId), reviewDecider, { type: 'StartReview', data }, meta(writer, data.reviewId, reviewCommandIds.start(data.reviewId)));
}

/** Records one candidate's verdict (a repeat of the same verdict records nothing; a different one is CONFLICT). */
export function recordCandidateReview(store: EventStore, data: CandidateReviewed['data'], writer: ReviewWriter): Promise<ReviewWrite> {
  return handleCommand(store, reviewStreamId(data.reviewId), reviewDecider, { type: 'RecordCandidateReview', data },
    meta(writer, data.reviewId, reviewCommandIds.candidate(data.reviewId, data.candidateId)));
}

/** Records ReviewCompleted with the decider's counts; REFUSED while a candidate in scope has no verdict. */
export function completeReview(store: EventStore, reviewId: string, writer: ReviewWriter): Promise<ReviewWrite> {
  return handleCommand(store, reviewStreamId(reviewId), reviewDecider, { type: 'CompleteReview', data: { reviewId } },
    meta(writer, reviewId, reviewCommandIds.complete(reviewId)));
}

/** A review's state (scope, verdicts so far, status): what `review --resume` starts from. NOT_FOUND for an unknown review. */
export async function loadReview(store: EventStore, reviewId: string): Promise<Extract<ReviewState, { status: 'started' | 'completed' }>> {
  const state = foldStream(reviewDecider, await store.readStream(reviewStreamId(reviewId)));
  if (state.status === 'none') {
    throw new LedgerError('NOT_FOUND', `no review ${reviewId}`, '`nas-ledger reviews <experiment>` lists the reviews of an experiment.');
  }
  return state;
}

/** The ReviewStarted event of a review (scope, environment, tool version), for a resumed review to compare against. */
export async function reviewStartedOf(store: EventStore, reviewId: string): Promise<ReviewStarted['data']> {
  const started = (await store.readStream(reviewStreamId(reviewId))).find((e) => e.type === 'ReviewStarted');
  if (!started) throw new LedgerError('NOT_FOUND', `no review ${reviewId}`, '`nas-ledger reviews <experiment>` lists the reviews of an experiment.');
  return started.data as ReviewStarted['data'];
}
