import type { CandidateReviewed, ReviewStarted, ReviewVerdict } from '../../domain/review/review.events';

/** A review's ReviewStarted data over `candidateIds` (a CPU reviewer, tolerance 0). */
export function reviewStarted(reviewId: string, experimentId: string, candidateIds: readonly string[]): ReviewStarted['data'] {
  return {
    reviewId, experimentId, candidateIds, reviewer: 'review/tester', toolVersion: '0.1.0',
    scope: { cycle: null, admitted: true, candidates: null, sample: null, seed: null, regenerate: false, decisions: false, tolerance: 0 },
    environment: {
      datasetContentHash: 'd'.repeat(64), dataset: 'fashion-mnist', device: 'cpu', libraries: { torch: '2.1.0', python: '3.11.2', cuda: null },
      threads: 1, sandbox: 'bwrap',
    },
  };
}

/** One verdict; not-reproduced kinds get a likely cause and a remedy. */
export function candidateReviewed(reviewId: string, experimentId: string, candidateId: string, verdict: ReviewVerdict = 'reproduced'): CandidateReviewed['data'] {
  const bad = verdict === 'diverged' || verdict === 'not-reproducible';
  return {
    reviewId, experimentId, candidateId, verdict,
    deltas: verdict === 'reproduced' ? { accuracy: 0, loss: 0 } : { accuracy: 0.01, loss: -0.02 },
    likelyCause: bad ? 'the torch thread count differs (recorded 1, here 2)' : null,
    remedy: bad ? 'Re-run with --threads 1.' : null,
    environmentDifferences: bad ? [{ field: 'threads', recorded: 1, observed: 2 }] : [],
    outcomeDifferences: [], decisionDifferences: [], protocolValues: 'recorded', regenerated: null,
  };
}
