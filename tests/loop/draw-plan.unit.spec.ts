import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drawPlan, rejectionLoopOf } from '../../src/orchestrator/draw-plan';
import type { CandidateView } from '../../src/orchestrator/loop-view';
import { DEFAULT_CONFIG } from '../../domain/experiment/config';

const draw = (index: number, nearDup: boolean | null): CandidateView => ({
  candidateId: `c${index}`, cycle: 1, index, code: '', codeHash: '', status: nearDup === null ? 'rejected' : 'evaluated', accuracy: null,
  structuralFingerprint: null, novelty: nearDup === null ? null : { nearDup, signature: '' }, decision: nearDup === null ? null : 'not-admitted',
});

describe('the rejection loop\'s draw plan', () => {
  it('adds one re-draw per near-duplicate, for the slot the near-duplicate filled, and stops at maxRedraws per slot', () => {
    // Slot 1 is a near-duplicate three times over (indices 1, 3, 4); slot 2 once (index 2, re-drawn at 5... which is novel).
    const candidates = [draw(0, false), draw(1, true), draw(2, true), draw(3, true), draw(4, false), draw(5, false)];
    const plan = drawPlan(3, candidates, { enabled: true, maxRedraws: 2 });
    assert.deepEqual(plan.slotOf, [0, 1, 2, 1, 2, 1]);
    assert.deepEqual(plan.redraws, [0, 2, 1]);
    assert.equal(plan.target, 6);
    assert.equal(plan.exhausted, 0);
    const capped = drawPlan(3, [draw(0, true), draw(1, false), draw(2, false), draw(3, true)], { enabled: true, maxRedraws: 1 });
    assert.equal(capped.target, 4, 'slot 0 spent its one re-draw');
    assert.equal(capped.exhausted, 1);
  });

  it('re-draws nothing for invalid draws, for undecided ones, or with the loop off', () => {
    assert.equal(drawPlan(2, [draw(0, null), draw(1, true)], { enabled: false, maxRedraws: 4 }).target, 2);
    assert.equal(drawPlan(2, [draw(0, null), undefined], { enabled: true, maxRedraws: 4 }).target, 2);
    assert.equal(drawPlan(2, [draw(0, null), draw(1, true)], { enabled: true, maxRedraws: 4 }).target, 3);
  });

  it('is off by default, off for configs recorded before the switch, and off under the no-novelty ablation', () => {
    assert.equal(rejectionLoopOf(DEFAULT_CONFIG).enabled, false);
    const { rejectionSampling: _absent, ...recordedBefore } = { ...DEFAULT_CONFIG, rejectionSampling: true };
    assert.equal(rejectionLoopOf(recordedBefore as typeof DEFAULT_CONFIG).enabled, false);
    assert.equal(rejectionLoopOf({ ...DEFAULT_CONFIG, rejectionSampling: true }).enabled, true);
    assert.equal(rejectionLoopOf({ ...DEFAULT_CONFIG, rejectionSampling: true, ablations: { ...DEFAULT_CONFIG.ablations, noNovelty: true } }).enabled, false);
  });
});
