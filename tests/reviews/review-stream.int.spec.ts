import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '../../src/ledger/open-event-store';
import { appendHistory, buildExperimentHistory } from '../support/ledger-fixtures';
import { completeReview, loadReview, recordCandidateReview, startReview } from '../../src/reviews/review-commands';
import { pendingCandidates } from '../../domain/review/review.decider';
import { reviewCommandIds, reviewStreamId } from '../../domain/review/review.events';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import { reviewsAsOf, reviewStatsOf } from '../../projections/reviews/query';
import { candidateReviewed, reviewStarted } from './review-fixtures';

const writer = { actor: 'review/tester', now: () => new Date('2026-12-07T10:00:00Z') };

describe('review stream: the one write path, resumable', () => {
  it('a review resumed after a crash repeats nothing and misses nothing; unknown experiments and reviews are NOT_FOUND', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nas-ledger-review-'));
    const store = await openEventStore(dir);
    try {
      const history = buildExperimentHistory({ cycles: 1, candidatesPerCycle: 3, seed: 5 });
      await appendHistory(store, history);
      const head = (await store.readAll()).length;
      await assert.rejects(startReview(store, reviewStarted('r0', 'no-such-experiment', ['x']), writer),
        (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND' && /no experiment no-such-experiment/.test(e.message));
      await assert.rejects(loadReview(store, 'r-missing'), (e: unknown) => e instanceof LedgerError && e.code === 'NOT_FOUND');
      assert.equal((await store.readAll()).length, head, 'a refused review writes nothing');

      const ids = ['a', 'b', 'c'].map((s) => `${history.experimentId}.${s}`);
      const exp = history.experimentId;
      assert.equal((await startReview(store, reviewStarted('r1', exp, ids), writer)).outcome, 'written');
      const first = await recordCandidateReview(store, candidateReviewed('r1', exp, ids[0]!), writer);
      assert.equal(first.outcome, 'written');
      assert.deepEqual(first.eventIds, [eventIdFor(reviewCommandIds.candidate('r1', ids[0]!), 0)], 'event ids from the review id and the candidate');
      // the process dies here; a resumed review re-reads its state and re-sends what it is unsure of
      const resumed = await loadReview(store, 'r1');
      assert.deepEqual(pendingCandidates(resumed), ids.slice(1));
      assert.equal((await startReview(store, reviewStarted('r1', exp, ids), writer)).outcome, 'already-recorded');
      assert.equal((await recordCandidateReview(store, candidateReviewed('r1', exp, ids[0]!), writer)).outcome, 'already-recorded');
      await assert.rejects(completeReview(store, 'r1', writer), (e: unknown) => e instanceof LedgerError && e.code === 'REFUSED');
      for (const id of ids.slice(1)) await recordCandidateReview(store, candidateReviewed('r1', exp, id, id === ids[2] ? 'diverged' : 'reproduced'), writer);
      const done = await completeReview(store, 'r1', writer);
      assert.deepEqual(done.events[0]?.data, { reviewId: 'r1', experimentId: exp, reviewed: 3, counts: { reproduced: 2, 'within-tolerance': 0, diverged: 1, 'not-reproducible': 0 } });

      const stream = await store.readStream(reviewStreamId('r1'));
      assert.deepEqual(stream.map((e) => e.type), ['ReviewStarted', 'CandidateReviewed', 'CandidateReviewed', 'CandidateReviewed', 'ReviewCompleted']);
      assert.equal(new Set(stream.filter((e) => e.type === 'CandidateReviewed').map((e) => (e.data as { candidateId: string }).candidateId)).size, 3);
      const all = await store.readAll();
      assert.deepEqual(reviewStatsOf(reviewsAsOf(all), exp), { reviews: 1, reviewed: 3, reproduced: 2, byVerdict: { reproduced: 2, 'within-tolerance': 0, diverged: 1, 'not-reproducible': 0 } });
      assert.equal(all.slice(0, head).every((e, i) => e.globalPosition === i + 1), true, 'nothing about the original candidates changed');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
