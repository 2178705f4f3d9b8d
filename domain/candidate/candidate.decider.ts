import { LedgerError } from '../shared/ledger-error';
import { assertNever, type Decider } from '../shared/decider';
import { candidateIdFor, REJECTION_STAGES, type CandidateEvent, type NotAdmittedReason, type RejectionStage } from '../experiment/events';
import type { ExperimentConfig } from '../experiment/config';
import type {
  AdmissionRules, CandidateCommand, DecideAdmission, RecordEvaluation, RecordGenerated, RecordNovelty, RecordRejection,
} from './candidate.commands';

interface Identity {
  readonly experimentId: string;
  readonly cycle: number;
  readonly candidateId: string;
  readonly codeHash: string;
}

export interface EvaluationFacts { readonly accuracy: number }
export interface NoveltyFacts {
  readonly nearDupTextTrain: boolean;
  readonly nearDupTextGen: boolean;
  readonly structuralDuplicateOf: string | null;
}

export type CandidateState =
  | { readonly status: 'unknown' }
  /** Generated and not yet judged; evaluation and novelty arrive in either order. */
  | ({ readonly status: 'generated'; readonly evaluation: EvaluationFacts | null; readonly novelty: NoveltyFacts | null } & Identity)
  | ({ readonly status: 'rejected'; readonly stage: RejectionStage } & Identity)
  | ({ readonly status: 'not-admitted'; readonly reason: NotAdmittedReason } & Identity)
  | ({ readonly status: 'admitted'; readonly architectureId: string } & Identity);

type Pending = Extract<CandidateState, { status: 'generated' }>;

export const initialState = (): CandidateState => ({ status: 'unknown' });

/** The architecture id an admitted candidate gets: its corpus entry id. */
export const architectureIdFor = (codeHash: string): string => `arch-${codeHash.slice(0, 12)}`;

export const admissionRulesOf = (config: ExperimentConfig): AdmissionRules => ({
  threshold: config.threshold, ablations: config.ablations, structuralBlocks: config.novelty.structuralBlocks,
});

const refused = (message: string, hint?: string) => new LedgerError('REFUSED', message, hint);

function requirePending(state: CandidateState, experimentId: string, candidateId: string, cycle?: number): Pending {
  switch (state.status) {
    case 'unknown':
      throw new LedgerError('NOT_FOUND', `candidate ${candidateId} was never generated`, 'Record its generation first.');
    case 'rejected':
    case 'not-admitted':
    case 'admitted':
      throw refused(`candidate ${candidateId} is already ${state.status}; a decided candidate records nothing more`);
    case 'generated':
      if (state.candidateId !== candidateId || state.experimentId !== experimentId) {
        throw refused(`command for candidate ${experimentId}/${candidateId} sent to the stream of ${state.candidateId}`);
      }
      if (cycle !== undefined && cycle !== state.cycle) throw refused(`candidate ${candidateId} belongs to cycle ${state.cycle}, not ${cycle}`);
      return state;
    default:
      return assertNever(state, 'candidate state');
  }
}

const isFraction = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

function recordGenerated(command: RecordGenerated, state: CandidateState): CandidateEvent[] {
  const data = command.data;
  if (state.status !== 'unknown') throw refused(`candidate ${data.candidateId} is already generated`);
  const expected = candidateIdFor(data.experimentId, data.cycle, data.index);
  if (data.candidateId !== expected) {
    throw refused(`candidate id ${data.candidateId} does not match its experiment, cycle and index (expected ${expected})`, `Derive it with candidateIdFor(experimentId, cycle, index).`);
  }
  if (data.code.length === 0) throw refused(`candidate ${data.candidateId} has no code`, 'Record an empty generation as rejected at stage parse.');
  return [{ type: 'CandidateGenerated', data }];
}

function recordRejection(command: RecordRejection, state: CandidateState): CandidateEvent[] {
  const data = command.data;
  const pending = requirePending(state, data.experimentId, data.candidateId, data.cycle);
  if (pending.evaluation !== null) throw refused(`candidate ${data.candidateId} was evaluated; it cannot be rejected afterwards`);
  if (!REJECTION_STAGES.includes(data.stage)) throw refused(`unknown rejection stage "${data.stage}"`, `Use one of ${REJECTION_STAGES.join(', ')}.`);
  return [{ type: 'CandidateRejected', data }];
}

function recordEvaluation(command: RecordEvaluation, state: CandidateState): CandidateEvent[] {
  const data = command.data;
  const pending = requirePending(state, data.experimentId, data.candidateId, data.cycle);
  if (pending.evaluation !== null) throw refused(`candidate ${data.candidateId} is already evaluated`);
  if (!isFraction(data.accuracy)) throw refused(`accuracy must lie in [0, 1], got ${data.accuracy}`);
  if (!Number.isFinite(data.loss)) {
    throw refused(`loss must be a finite number, got ${data.loss}`, 'A run whose loss diverged is a rejection at stage train.');
  }
  return [{ type: 'CandidateEvaluated', data }];
}

function recordNovelty(command: RecordNovelty, state: CandidateState): CandidateEvent[] {
  const data = command.data;
  const pending = requirePending(state, data.experimentId, data.candidateId, data.cycle);
  if (pending.novelty !== null) throw refused(`novelty of candidate ${data.candidateId} is already assessed`);
  if (!isFraction(data.jTrain) || !isFraction(data.jGen)) {
    throw refused(`Jaccard estimates must lie in [0, 1], got jTrain ${data.jTrain}, jGen ${data.jGen}`);
  }
  return [{ type: 'NoveltyAssessed', data }];
}

/** The first rule that blocks admission, or null: accuracy first, then text, then structure (the paper's order). */
function blockingReason(rules: AdmissionRules, evaluation: EvaluationFacts, novelty: NoveltyFacts | null): NotAdmittedReason | null {
  if (!rules.ablations.noThreshold && evaluation.accuracy < rules.threshold) return 'below_threshold';
  if (rules.ablations.noNovelty || novelty === null) return null;
  if (novelty.nearDupTextTrain || novelty.nearDupTextGen) return 'near_duplicate';
  if (rules.structuralBlocks && novelty.structuralDuplicateOf !== null) return 'structural_duplicate';
  return null;
}

function decideAdmission(command: DecideAdmission, state: CandidateState): CandidateEvent[] {
  const { experimentId, candidateId, rules } = command.data;
  const pending = requirePending(state, experimentId, candidateId);
  if (pending.evaluation === null) throw refused(`candidate ${candidateId} has no evaluation yet`, 'Record its evaluation (or its rejection) first.');
  if (pending.novelty === null && !rules.ablations.noNovelty) {
    throw refused(`candidate ${candidateId} has no novelty verdict yet`, 'Assess its novelty first (only the no-novelty ablation admits without one).');
  }
  const { cycle, codeHash } = pending;
  const accuracy = pending.evaluation.accuracy;
  const reason = blockingReason(rules, pending.evaluation, pending.novelty);
  if (reason !== null) return [{ type: 'CandidateNotAdmitted', data: { experimentId, cycle, candidateId, reason, accuracy } }];
  return [{ type: 'CandidateAdmitted', data: { experimentId, cycle, candidateId, architectureId: architectureIdFor(codeHash), accuracy, codeHash } }];
}

export function decide(command: CandidateCommand, state: CandidateState): CandidateEvent[] {
  switch (command.type) {
    case 'RecordGenerated': return recordGenerated(command, state);
    case 'RecordRejection': return recordRejection(command, state);
    case 'RecordEvaluation': return recordEvaluation(command, state);
    case 'RecordNovelty': return recordNovelty(command, state);
    case 'DecideAdmission': return decideAdmission(command, state);
    default: return assertNever(command, 'candidate command');
  }
}

export function evolve(state: CandidateState, event: CandidateEvent): CandidateState {
  if (event.type === 'CandidateGenerated') {
    const { experimentId, cycle, candidateId, codeHash } = event.data;
    return { status: 'generated', experimentId, cycle, candidateId, codeHash, evaluation: null, novelty: null };
  }
  if (state.status !== 'generated') return state;
  const { status: _status, evaluation: _evaluation, novelty: _novelty, ...identity } = state;
  switch (event.type) {
    case 'CandidateRejected':
      return { ...identity, status: 'rejected', stage: event.data.stage };
    case 'CandidateEvaluated':
      return { ...state, evaluation: { accuracy: event.data.accuracy } };
    case 'NoveltyAssessed': {
      const { nearDupTextTrain, nearDupTextGen, structuralDuplicateOf } = event.data;
      return { ...state, novelty: { nearDupTextTrain, nearDupTextGen, structuralDuplicateOf } };
    }
    case 'CandidateNotAdmitted':
      return { ...identity, status: 'not-admitted', reason: event.data.reason };
    case 'CandidateAdmitted':
      return { ...identity, status: 'admitted', architectureId: event.data.architectureId };
    default:
      return assertNever(event, 'candidate event');
  }
}

/** True once the candidate is rejected, not admitted or admitted. */
export const isTerminal = (state: CandidateState): boolean =>
  state.status === 'rejected' || state.status === 'not-admitted' || state.status === 'admitted';

export const candidateDecider: Decider<CandidateCommand, CandidateEvent, CandidateState> = { decide, evolve, initialState };
