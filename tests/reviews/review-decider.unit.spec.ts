import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deciderSpecification } from '../support/decider-specification';
import { pendingCandidates, reviewDecider } from '../../domain/review/review.decider';
import type { ReviewEvent } from '../../domain/review/review.events';
import { reviewsProjection } from '../../projections/reviews/evolve';
import { reviewOf, reviewsAsOf, reviewsOfExperiment, reviewStatsOf, verdictsOfCandidate } from '../../projections/reviews/query';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { candidateReviewed, reviewStarted } from './review-fixtures';

const spec = deciderSpecification(reviewDecider);
const STARTED = reviewStarted('r1', 'e1', ['c1', 'c2']);
const started: ReviewEvent = { type: 'ReviewStarted', data: STARTED };
const c1ok: ReviewEvent = { type: 'CandidateReviewed', data: candidateReviewed('r1', 'e1', 'c1') };

describe('review decider', () => {
  it('starts a review once; a second start is a CONFLICT that says how to resume', () => {
    spec([]).when({ type: 'StartReview', data: STARTED }).then([started]);
    spec([started]).when({ type: 'StartReview', data: STARTED }).thenRefused('CONFLICT', /already started/);
  });

  it('refuses an empty scope, a candidate named twice and a tolerance outside [0, 1]', () => {
    spec([]).when({ type: 'StartReview', data: { ...STARTED, candidateIds: [] } }).thenRefused('BAD_INPUT', /no candidates/);
    spec([]).when({ type: 'StartReview', data: { ...STARTED, candidateIds: ['c1', 'c1'] } }).thenRefused('BAD_INPUT', /twice/);
    for (const tolerance of [-0.1, 1.5, Number.NaN]) {
      spec([]).when({ type: 'StartReview', data: { ...STARTED, scope: { ...STARTED.scope, tolerance } } }).thenRefused('BAD_INPUT', /tolerance/);
    }
  });

  it('records one verdict per candidate: the same verdict again records nothing, a different one is a CONFLICT', () => {
    spec([started]).when({ type: 'RecordCandidateReview', data: c1ok.data }).then([c1ok]);
    spec([started, c1ok]).when({ type: 'RecordCandidateReview', data: c1ok.data }).then([]);
    spec([started, c1ok]).when({ type: 'RecordCandidateReview', data: candidateReviewed('r1', 'e1', 'c1', 'diverged') })
      .thenRefused('CONFLICT', /already has a verdict for c1/);
  });

  it('refuses a verdict for an unknown review, a candidate outside the scope, and a diverged verdict without a cause', () => {
    spec([]).when({ type: 'RecordCandidateReview', data: c1ok.data }).thenRefused('NOT_FOUND', /no review r1/);
    spec([started]).when({ type: 'RecordCandidateReview', data: candidateReviewed('r1', 'e1', 'c9') }).thenRefused('NOT_FOUND', /not in the scope/);
    spec([started]).when({ type: 'RecordCandidateReview', data: { ...candidateReviewed('r1', 'e1', 'c2', 'diverged'), likelyCause: null } })
      .thenRefused('REFUSED', /likely cause/);
  });

  it('completes only with every verdict in, counting them itself; completing again records nothing', () => {
    spec([started, c1ok]).when({ type: 'CompleteReview', data: { reviewId: 'r1' } }).thenRefused('REFUSED', /1 candidate\(s\), first c2/);
    const c2 = { type: 'CandidateReviewed', data: candidateReviewed('r1', 'e1', 'c2', 'not-reproducible') } as const;
    const completed: ReviewEvent = {
      type: 'ReviewCompleted',
      data: { reviewId: 'r1', experimentId: 'e1', reviewed: 2, counts: { reproduced: 1, 'within-tolerance': 0, diverged: 0, 'not-reproducible': 1 } },
    };
    spec([started, c1ok, c2]).when({ type: 'CompleteReview', data: { reviewId: 'r1' } }).then([completed]);
    spec([started, c1ok, c2, completed]).when({ type: 'CompleteReview', data: { reviewId: 'r1' } }).then([]);
    spec([started, c1ok, c2, completed]).when({ type: 'RecordCandidateReview', data: c1ok.data }).then([]);
  });

  it('pendingCandidates lists what a resumed review has left, in scope order', () => {
    const state = [started, c1ok].reduce((s, e) => reviewDecider.evolve(s, e), reviewDecider.initialState());
    assert.deepEqual(pendingCandidates(state), ['c2']);
    assert.deepEqual(pendingCandidates(reviewDecider.initialState()), []);
  });
});

function recorded(events: readonly ReviewEvent[]): RecordedEvent[] {
  return events.map((event, i) => ({
    ...event, eventId: `id-${i}`, schemaVersion: 1, streamId: `review-${(event.data as { reviewId: string }).reviewId}`, streamVersion: i,
    globalPosition: i + 1, hash: `h${i}`, prevHash: `h${i - 1}`,
    metadata: { commandId: `c${i}`, correlationId: 'x', causationId: null, actor: 'review/tester', recordedAt: `2026-12-07T10:00:0${i}.000Z` },
  }));
}

describe('reviews read model', () => {
  const log = recorded([
    started, c1ok, { type: 'CandidateReviewed', data: candidateReviewed('r1', 'e1', 'c2', 'diverged') },
    { type: 'ReviewCompleted', data: { reviewId: 'r1', experimentId: 'e1', reviewed: 2, counts: { reproduced: 1, 'within-tolerance': 0, diverged: 1, 'not-reproducible': 0 } } },
    { type: 'ReviewStarted', data: reviewStarted('r2', 'e1', ['c2']) },
    { type: 'CandidateReviewed', data: candidateReviewed('r2', 'e1', 'c2', 'reproduced') },
  ]);

  it('lists an experiment\'s reviews, each candidate\'s verdicts and the reviewed/reproduced counts (latest verdict per candidate)', () => {
    const view = reviewsAsOf(log);
    assert.deepEqual(reviewsOfExperiment(view, 'e1').map((r) => [r.reviewId, r.status, r.reviewed, r.planned]), [['r1', 'completed', 2, 2], ['r2', 'started', 1, 1]]);
    assert.deepEqual(verdictsOfCandidate(view, 'c2').map((v) => [v.reviewId, v.verdict]), [['r1', 'diverged'], ['r2', 'reproduced']]);
    assert.deepEqual(reviewStatsOf(view, 'e1'), { reviews: 2, reviewed: 2, reproduced: 2, byVerdict: { reproduced: 2, 'within-tolerance': 0, diverged: 0, 'not-reproducible': 0 } });
    assert.equal(reviewOf(view, 'r1')?.counts.diverged, 1);
    assert.equal(reviewStatsOf(view, 'other').reviewed, 0);
  });

  it('answers as of any prefix with the same fold (time travel)', () => {
    const before = reviewsAsOf(log, 3);
    assert.deepEqual(reviewStatsOf(before, 'e1').byVerdict, { reproduced: 1, 'within-tolerance': 0, diverged: 1, 'not-reproducible': 0 });
    assert.equal(reviewOf(before, 'r1')?.status, 'started');
    assert.equal(reviewOf(before, 'r2'), null);
    assert.deepEqual(reviewsAsOf(log, 0), reviewsProjection.initialView());
  });
});
