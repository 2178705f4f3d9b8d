import { createHash } from 'node:crypto';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { asLedgerEvent } from '../../domain/experiment/ledger-event';
import type { ProtocolValues } from '../../domain/experiment/events';

/** Which candidates a review covers (the flags of `nas-ledger review`). */
export interface ReviewScopeRequest {
  readonly cycle?: number;
  readonly admitted?: boolean;
  readonly candidates?: readonly string[];
  readonly sample?: number;
  /** Seeds --sample: the same seed draws the same candidates. */
  readonly seed?: number;
}

export interface ScopedCandidate {
  readonly candidateId: string;
  readonly cycle: number;
  readonly outcome: 'evaluated' | 'rejected';
  readonly admitted: boolean;
}

export interface ReviewScope {
  readonly candidates: readonly ScopedCandidate[];
  /** Candidates of the selection left out because they never reached the runner, with why. */
  readonly skipped: readonly { readonly candidateId: string; readonly why: string }[];
  /** The validation-image count the experiment's evaluations recorded (a rejection's re-run uses it). */
  readonly valSubset: number | null;
}

interface Facts {
  cycle: number;
  generated: boolean;
  outcome: 'evaluated' | 'rejected' | null;
  runnerRejection: boolean;
  admitted: boolean;
}

/**
 * The candidates a review covers, from the experiment's events (in log order). A candidate is reviewable when the
 * runner decided about it: evaluated, or rejected at a runner stage (a rejection with a device). Named candidates
 * that are not reviewable are refused; in a whole-experiment or cycle scope they are skipped and listed.
 */
export function reviewScope(experimentId: string, events: readonly RecordedEvent[], request: ReviewScopeRequest): ReviewScope {
  const facts = new Map<string, Facts>();
  let valSubset: number | null = null;
  const cycles = new Set<number>();
  for (const recorded of events) {
    const event = asLedgerEvent(recorded);
    if (!event || !('experimentId' in event.data) || event.data.experimentId !== experimentId) continue;
    if (event.type === 'CycleStarted') cycles.add(event.data.cycle);
    if (!('candidateId' in event.data) || !('cycle' in event.data)) continue;
    const id = event.data.candidateId;
    const f = facts.get(id) ?? { cycle: event.data.cycle, generated: false, outcome: null, runnerRejection: false, admitted: false };
    facts.set(id, f);
    if (event.type === 'CandidateGenerated') f.generated = true;
    if (event.type === 'CandidateEvaluated' && f.outcome === null) {
      f.outcome = 'evaluated';
      const values: ProtocolValues | null = event.data.protocolValues ?? null;
      if (valSubset === null && values) valSubset = values.valSubset;
    }
    if (event.type === 'CandidateRejected' && f.outcome === null) {
      f.outcome = 'rejected';
      f.runnerRejection = event.data.device !== null;
    }
    if (event.type === 'CandidateAdmitted') f.admitted = true;
  }
  if (request.cycle !== undefined && !cycles.has(request.cycle)) {
    throw new LedgerError('NOT_FOUND', `experiment ${experimentId} has no cycle ${request.cycle}`,
      `Its cycles are ${[...cycles].sort((a, b) => a - b).join(', ') || 'none yet'}.`, { experimentId, cycle: request.cycle });
  }
  const reviewable = (f: Facts): string | null => {
    if (f.outcome === null) return 'never reached evaluation (no CandidateEvaluated or CandidateRejected)';
    if (f.outcome === 'rejected' && !f.runnerRejection) return 'rejected before the runner (at generation or by the orchestrator): nothing to re-run';
    return null;
  };
  let ids: string[];
  if (request.candidates && request.candidates.length > 0) {
    for (const id of request.candidates) {
      const f = facts.get(id);
      if (!f?.generated) {
        throw new LedgerError('NOT_FOUND', `candidate ${id} is not a candidate of ${experimentId}`,
          `nas-ledger candidates ${experimentId} lists its candidates.`, { experimentId, candidateId: id });
      }
      const why = reviewable(f);
      if (why) throw new LedgerError('REFUSED', `candidate ${id} ${why}`, 'Review candidates that were evaluated or rejected by the runner.', { candidateId: id });
    }
    ids = [...new Set(request.candidates)];
  } else {
    ids = [...facts.keys()].filter((id) => facts.get(id)!.generated);
  }
  const skipped: { candidateId: string; why: string }[] = [];
  const chosen: ScopedCandidate[] = [];
  for (const id of ids) {
    const f = facts.get(id)!;
    if (request.cycle !== undefined && f.cycle !== request.cycle) continue;
    if (request.admitted && !f.admitted) continue;
    const why = reviewable(f);
    if (why) { skipped.push({ candidateId: id, why }); continue; }
    chosen.push({ candidateId: id, cycle: f.cycle, outcome: f.outcome!, admitted: f.admitted });
  }
  if (chosen.length === 0) {
    throw new LedgerError('NOT_FOUND', `nothing to review in ${experimentId} with this scope (${describeScope(request)})`,
      'Widen the scope: drop --cycle, --admitted or --candidates.', { experimentId });
  }
  return { candidates: sampleOf(chosen, request), skipped, valSubset };
}

/** --sample N with --seed S: N candidates chosen by a seeded hash order, then listed in ledger order. */
function sampleOf(chosen: ScopedCandidate[], request: ReviewScopeRequest): ScopedCandidate[] {
  if (request.sample === undefined) return chosen;
  if (!Number.isInteger(request.sample) || request.sample < 1) throw new LedgerError('BAD_INPUT', `--sample must be a positive integer, got ${request.sample}`);
  if (request.sample > chosen.length) {
    throw new LedgerError('BAD_INPUT', `--sample ${request.sample} is larger than the scope (${chosen.length} candidates)`,
      `Pass --sample ${chosen.length} or less, or drop --sample to review them all.`, { scope: chosen.length });
  }
  const seed = request.seed ?? 0;
  const rank = (id: string) => createHash('sha256').update(`${seed}:${id}`).digest('hex');
  const picked = new Set([...chosen].sort((a, b) => (rank(a.candidateId) < rank(b.candidateId) ? -1 : 1)).slice(0, request.sample).map((c) => c.candidateId));
  return chosen.filter((c) => picked.has(c.candidateId));
}

export function describeScope(request: ReviewScopeRequest): string {
  const parts: string[] = [];
  if (request.cycle !== undefined) parts.push(`cycle ${request.cycle}`);
  if (request.admitted) parts.push('admitted');
  if (request.candidates?.length) parts.push(`candidates ${request.candidates.join(',')}`);
  if (request.sample !== undefined) parts.push(`sample ${request.sample} (seed ${request.seed ?? 0})`);
  return parts.join(', ') || 'every reviewable candidate';
}
