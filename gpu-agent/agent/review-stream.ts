import { reviewCommandIds, reviewStreamId, type CandidateReviewed } from '../../domain/review/review.events';
import { reviewDecider } from '../../domain/review/review.decider';
import type { EventStore } from '../../src/ledger/event-store.port';
import { handleCommand } from '../../src/ledger/handle-command';
import type { ReviewEvaluateJob } from '../../src/bus/agent-job';
import type { ReviewFinding } from './review-compare';

export { reviewStreamId };
export const REVIEW_VERDICT_TYPE = 'CandidateReviewed';

export interface FindingMetadata {
  readonly actor: string;
  readonly now?: () => Date;
}

type Value = string | number | boolean | null;

/** The finding as the review stream records it (domain/review/review.events.ts CandidateReviewed). */
export function candidateReviewedData(job: ReviewEvaluateJob, finding: ReviewFinding, decisionDifferences: CandidateReviewed['data']['decisionDifferences'] = []): CandidateReviewed['data'] {
  const deltas: Record<string, number> = {};
  if (finding.deltas?.accuracy !== null && finding.deltas?.accuracy !== undefined) deltas.accuracy = finding.deltas.accuracy;
  if (finding.deltas?.loss !== null && finding.deltas?.loss !== undefined) deltas.loss = finding.deltas.loss;
  const outcome: { field: string; recorded: Value; observed: Value }[] = [];
  const { recorded, rerun, regeneration } = finding;
  if (rerun && rerun.outcome !== recorded.outcome) outcome.push({ field: 'outcome', recorded: recorded.outcome, observed: rerun.outcome });
  if (rerun && rerun.stage !== recorded.stage) outcome.push({ field: 'stage', recorded: recorded.stage, observed: rerun.stage });
  if (rerun && recorded.accuracy !== rerun.accuracy) outcome.push({ field: 'accuracy', recorded: recorded.accuracy, observed: rerun.accuracy });
  if (rerun && recorded.loss !== rerun.loss) outcome.push({ field: 'loss', recorded: recorded.loss, observed: rerun.loss });
  if (regeneration && !regeneration.matches) outcome.push({ field: 'codeHash', recorded: regeneration.recordedCodeHash, observed: regeneration.codeHash });
  const environment = finding.differences.map((d) => ({ field: d.key, recorded: d.recorded, observed: d.review }));
  const protocolValues = finding.protocolValues.source === 'experiment-config' ? 'not-applicable' : finding.protocolValues.source;
  // The protocol values' provenance goes with the cause when they were not simply recorded (schema version 1 events).
  const note = finding.protocolValues.source === 'searched' || finding.protocolValues.source === 'not-found' ? `protocol values: ${finding.protocolValues.note}` : null;
  const likelyCause = [finding.cause, note].filter((x): x is string => x !== null).join('; ') || null;
  return {
    reviewId: job.reviewId, experimentId: job.experimentId, candidateId: job.candidateId, verdict: finding.verdict, deltas, likelyCause,
    remedy: finding.whatToDo, environmentDifferences: environment, outcomeDifferences: outcome, decisionDifferences, protocolValues,
    regenerated: regeneration ? regeneration.matches : null,
  };
}

/** Records one candidate's finding on the review's stream, command id from the review and the candidate. */
export async function recordFinding(store: EventStore, job: ReviewEvaluateJob, finding: ReviewFinding, meta: FindingMetadata): Promise<void> {
  const data = candidateReviewedData(job, finding, job.decisionDifferences ?? []);
  await handleCommand(store, reviewStreamId(job.reviewId), reviewDecider, { type: 'RecordCandidateReview', data }, {
    commandId: reviewCommandIds.candidate(job.reviewId, job.candidateId), correlationId: job.correlationId, causationId: job.causationId,
    actor: meta.actor, ...(meta.now ? { now: meta.now } : {}),
  });
}
