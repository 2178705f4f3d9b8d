import type { EventStore } from '../../src/ledger/event-store.port';
import type { ReviewEvaluateJob } from '../../src/bus/agent-job';
import { REVIEW_VERDICT_TYPE, reviewStreamId } from './review-stream';

/** True when the review already holds this candidate's verdict (a redelivered or re-published job is then skipped). */
export async function reviewVerdictRecorded(store: EventStore, job: ReviewEvaluateJob): Promise<boolean> {
  const events = await store.readStream(reviewStreamId(job.reviewId));
  return events.some((e) => e.type === REVIEW_VERDICT_TYPE && (e.data as { candidateId?: string }).candidateId === job.candidateId);
}
