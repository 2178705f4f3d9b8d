import type { ExperimentConfig } from '../../domain/experiment/config';
import type { CandidateView } from './loop-view';

/**
 * The sampling rejection loop of seed 001, A.2, as the orchestrator plans it: a cycle has `planned` slots; a draw
 * judged a text near-duplicate (J_train or J_gen above τ) is answered with a re-draw for its slot, appended after
 * every draw so far (index planned, planned + 1, …), until the slot holds a non-duplicate or has spent
 * `maxRedraws` re-draws. Invalid draws are not re-drawn (the paper filters for novelty only after a candidate
 * trains, A.2 "Order of evaluation"). The plan is a pure function of the cycle's recorded verdicts, which are
 * taken strictly in index order, so a restarted orchestrator derives the same re-draws, under the same job ids.
 */
export interface DrawPlan {
  /** Draws the cycle makes as far as its verdicts so far say: planned plus the re-draws called for. */
  readonly target: number;
  /** The slot (planned index) each draw fills. */
  readonly slotOf: readonly number[];
  /** Re-draws spent per slot. */
  readonly redraws: readonly number[];
  /** Slots whose last draw is a near-duplicate with no re-draw left (the generator has collapsed there). */
  readonly exhausted: number;
}

export interface RejectionLoopSettings {
  readonly enabled: boolean;
  readonly maxRedraws: number;
}

/** The switch as an experiment's config sets it; configs recorded before the keys existed run without the loop. */
export function rejectionLoopOf(config: ExperimentConfig): RejectionLoopSettings {
  // No novelty filter, nothing to re-draw for: the no-novelty ablation keeps one draw per slot.
  const enabled = config.rejectionSampling === true && !config.ablations.noNovelty;
  return { enabled, maxRedraws: enabled ? Math.max(0, config.maxRedraws ?? 0) : 0 };
}

const isNearDuplicate = (c: CandidateView): boolean => c.novelty?.nearDup === true;

export function drawPlan(planned: number, candidates: readonly (CandidateView | undefined)[], settings: RejectionLoopSettings): DrawPlan {
  const slotOf = Array.from({ length: planned }, (_, i) => i);
  const redraws = new Array<number>(planned).fill(0);
  let exhausted = 0;
  for (let index = 0; index < slotOf.length && settings.enabled; index++) {
    const candidate = candidates[index];
    if (!candidate || !isNearDuplicate(candidate)) continue;
    const slot = slotOf[index]!;
    if (redraws[slot]! < settings.maxRedraws) {
      redraws[slot]! += 1;
      slotOf.push(slot);
    } else {
      exhausted++;
    }
  }
  return { target: slotOf.length, slotOf, redraws, exhausted };
}
