import { LedgerError } from '../shared/ledger-error';
import { canonicalJson } from '../shared/canonical-json';
import { assertNever, type Decider } from '../shared/decider';
import type { CompleteReview, RecordCandidateReview, ReviewCommand, StartReview } from './review.commands';
import { REVIEW_VERDICTS, type CandidateReviewed, type ReviewEvent, type ReviewVerdict } from './review.events';

type Verdict = CandidateReviewed['data'];

export type ReviewState =
  | { readonly status: 'none' }
  | {
    readonly status: 'started' | 'completed';
    readonly reviewId: string;
    readonly experimentId: string;
    /** The scope, in the order the review works through it. */
    readonly candidateIds: readonly string[];
    readonly verdicts: ReadonlyMap<string, Verdict>;
  };

type Open = Extract<ReviewState, { status: 'started' | 'completed' }>;

export const initialState = (): ReviewState => ({ status: 'none' });

const refused = (message: string, hint?: string) => new LedgerError('REFUSED', message, hint);

/** Verdicts per kind over the recorded ones (every kind present, 0 when none). */
export function countVerdicts(verdicts: Iterable<Verdict>): Record<ReviewVerdict, number> {
  const counts = Object.fromEntries(REVIEW_VERDICTS.map((v) => [v, 0])) as Record<ReviewVerdict, number>;
  for (const v of verdicts) counts[v.verdict]++;
  return counts;
}

/** The candidates of the scope still without a verdict, in scope order: what a resumed review has left to do. */
export function pendingCandidates(state: ReviewState): readonly string[] {
  return state.status === 'none' ? [] : state.candidateIds.filter((id) => !state.verdicts.has(id));
}

function requireReview(state: ReviewState, reviewId: string): Open {
  if (state.status === 'none') {
    throw new LedgerError('NOT_FOUND', `no review ${reviewId}`, 'Start it with `nas-ledger review <experiment>`; `nas-ledger reviews <experiment>` lists the reviews.');
  }
  if (state.reviewId !== reviewId) throw refused(`command for review ${reviewId} sent to the stream of review ${state.reviewId}`);
  return state;
}

function startReview(command: StartReview, state: ReviewState): ReviewEvent[] {
  const data = command.data;
  if (state.status !== 'none') {
    throw new LedgerError('CONFLICT', `review ${data.reviewId} is already ${state.status}`,
      state.status === 'started' ? `Resume it with \`nas-ledger review --resume ${data.reviewId}\`.` : 'Start a new review (another review id).',
      { reviewId: data.reviewId });
  }
  if (data.reviewId.trim() === '') throw new LedgerError('BAD_INPUT', 'a review needs an id', 'Derive one from the experiment and the time, or pass --review-id.');
  if (data.candidateIds.length === 0) {
    throw new LedgerError('BAD_INPUT', `review ${data.reviewId} has no candidates in scope`, 'Widen the scope (drop --cycle, --admitted or --candidates).');
  }
  if (new Set(data.candidateIds).size !== data.candidateIds.length) throw new LedgerError('BAD_INPUT', `review ${data.reviewId} names a candidate twice`);
  const { tolerance, sample } = data.scope;
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 1) {
    throw new LedgerError('BAD_INPUT', `--tolerance must be a number in [0, 1], got ${tolerance}`, 'Pass e.g. --tolerance 0.01 (0 asks for bit-identical numbers).');
  }
  if (sample !== null && (!Number.isInteger(sample) || sample < 1)) throw new LedgerError('BAD_INPUT', `--sample must be a positive integer, got ${sample}`);
  return [{ type: 'ReviewStarted', data }];
}

/**
 * One verdict per candidate. The same verdict again (a resumed review re-recording what it found) records nothing;
 * a different verdict for a candidate already reviewed is a CONFLICT: the first one stands.
 */
function recordCandidateReview(command: RecordCandidateReview, state: ReviewState): ReviewEvent[] {
  const data = command.data;
  const review = requireReview(state, data.reviewId);
  if (data.experimentId !== review.experimentId) throw refused(`review ${review.reviewId} is of experiment ${review.experimentId}, not ${data.experimentId}`);
  if (!review.candidateIds.includes(data.candidateId)) {
    throw new LedgerError('NOT_FOUND', `candidate ${data.candidateId} is not in the scope of review ${review.reviewId}`,
      'Record verdicts only for the candidates the review started with (ReviewStarted.candidateIds).');
  }
  if (!REVIEW_VERDICTS.includes(data.verdict)) throw refused(`unknown verdict "${data.verdict}"`, `Use one of ${REVIEW_VERDICTS.join(', ')}.`);
  if (data.verdict !== 'reproduced' && data.verdict !== 'within-tolerance' && data.likelyCause === null) {
    throw refused(`a ${data.verdict} verdict for ${data.candidateId} needs its likely cause`);
  }
  const earlier = review.verdicts.get(data.candidateId);
  if (earlier) {
    if (canonicalJson(earlier) === canonicalJson(data)) return [];
    throw new LedgerError('CONFLICT', `review ${review.reviewId} already has a verdict for ${data.candidateId} (${earlier.verdict})`,
      'A verdict is recorded once; start a new review to judge the candidate again.', { reviewId: review.reviewId, candidateId: data.candidateId });
  }
  if (review.status === 'completed') throw refused(`review ${review.reviewId} is completed; it records no more verdicts`);
  return [{ type: 'CandidateReviewed', data }];
}

function completeReview(command: CompleteReview, state: ReviewState): ReviewEvent[] {
  const review = requireReview(state, command.data.reviewId);
  if (review.status === 'completed') return [];
  const missing = pendingCandidates(review);
  if (missing.length > 0) {
    throw refused(`review ${review.reviewId} has no verdict yet for ${missing.length} candidate(s), first ${missing[0]}`,
      `Resume it with \`nas-ledger review --resume ${review.reviewId}\`.`);
  }
  return [{
    type: 'ReviewCompleted',
    data: { reviewId: review.reviewId, experimentId: review.experimentId, reviewed: review.verdicts.size, counts: countVerdicts(review.verdicts.values()) },
  }];
}

export function decide(command: ReviewCommand, state: ReviewState): ReviewEvent[] {
  switch (command.type) {
    case 'StartReview': return startReview(command, state);
    case 'RecordCandidateReview': return recordCandidateReview(command, state);
    case 'CompleteReview': return completeReview(command, state);
    default: return assertNever(command, 'review command');
  }
}

export function evolve(state: ReviewState, event: ReviewEvent): ReviewState {
  switch (event.type) {
    case 'ReviewStarted': {
      const { reviewId, experimentId, candidateIds } = event.data;
      return { status: 'started', reviewId, experimentId, candidateIds, verdicts: new Map() };
    }
    case 'CandidateReviewed': {
      if (state.status === 'none') return state;
      const verdicts = new Map(state.verdicts);
      verdicts.set(event.data.candidateId, event.data);
      return { ...state, verdicts };
    }
    case 'ReviewCompleted':
      return state.status === 'none' ? state : { ...state, status: 'completed' };
    default:
      return assertNever(event, 'review event');
  }
}

export const reviewDecider: Decider<ReviewCommand, ReviewEvent, ReviewState> = { decide, evolve, initialState };
