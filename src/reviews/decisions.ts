import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { LedgerError } from '../../domain/shared/ledger-error';
import { LexError } from '../../domain/novelty/python-lexer';
import { asLedgerEvent, belongsToExperiment } from '../../domain/experiment/ledger-event';
import type { CandidateAdmitted, CandidateNotAdmitted, NoveltyAssessed } from '../../domain/experiment/events';
import { admissionRulesOf, candidateDecider, type CandidateState } from '../../domain/candidate/candidate.decider';
import type { CandidateEvent } from '../../domain/experiment/events';
import type { DecisionDifference } from '../../domain/review/review.events';
import { NoveltyEngine, type NoveltyVerdict } from '../orchestrator/novelty-engine';
import { applyEvent, emptyView, structuralDuplicateIn, type LoopView } from '../orchestrator/loop-view';

/**
 * `review --decisions`: every novelty verdict and admission decision of an experiment, recomputed from the log prefix
 * before it by the code that made it (the orchestrator's NoveltyEngine and loop view, the candidate decider's
 * DecideAdmission), and compared with what the ledger recorded. Pure: a fold over the events, nothing is written.
 */
export interface CandidateDecisionDifference extends DecisionDifference {
  readonly candidateId: string;
  readonly cycle: number;
  /** Global position of the recorded event that differs. */
  readonly position: number;
}

export interface DecisionsReport {
  readonly experimentId: string;
  readonly noveltyChecked: number;
  readonly admissionsChecked: number;
  readonly differences: readonly CandidateDecisionDifference[];
}

type Scalar = string | number | boolean | null;

const NOVELTY_FIELDS = [
  'jTrain', 'jGen', 'nearestTrainId', 'nearestGenId', 'nearDupTextTrain', 'nearDupTextGen', 'rejectionCount', 'signature',
] as const satisfies readonly (keyof NoveltyVerdict)[];

const CANDIDATE_EVENT_TYPES: ReadonlySet<string> = new Set<CandidateEvent['type']>([
  'CandidateGenerated', 'CandidateRejected', 'CandidateEvaluated', 'NoveltyAssessed', 'CandidateAdmitted', 'CandidateNotAdmitted',
]);

class Rederivation {
  readonly view: LoopView;
  private engine: NoveltyEngine | null = null;
  private readonly states = new Map<string, CandidateState>();
  readonly differences: CandidateDecisionDifference[] = [];
  noveltyChecked = 0;
  admissionsChecked = 0;

  constructor(readonly experimentId: string) {
    this.view = emptyView(experimentId);
  }

  /** Checks a decision event against the prefix before it, then folds the event in (as the orchestrator takes it). */
  take(recorded: RecordedEvent): void {
    if (!belongsToExperiment(recorded, this.experimentId)) return;
    const event = asLedgerEvent(recorded);
    if (event?.type === 'NoveltyAssessed') this.checkNovelty(event.data, recorded.globalPosition);
    if (event?.type === 'CandidateAdmitted' || event?.type === 'CandidateNotAdmitted') this.checkAdmission(event, recorded.globalPosition);
    if (applyEvent(this.view, recorded)) {
      if (!this.engine && this.view.config) this.engine = new NoveltyEngine(this.view.config.novelty);
      this.engine?.take(recorded);
    }
    if (event && CANDIDATE_EVENT_TYPES.has(event.type)) {
      const id = (event.data as { candidateId: string }).candidateId;
      this.states.set(id, candidateDecider.evolve(this.states.get(id) ?? candidateDecider.initialState(), event as CandidateEvent));
    }
  }

  private differ(decision: DecisionDifference['decision'], data: { candidateId: string; cycle: number }, position: number,
    field: string, recorded: Scalar, recomputed: Scalar): void {
    this.differences.push({ decision, candidateId: data.candidateId, cycle: data.cycle, position, field, recorded, recomputed });
  }

  /** The orchestrator's judgeInOrder for this candidate: earlier rejected ones of the cycle noted, then assess. */
  private checkNovelty(data: NoveltyAssessed['data'], position: number): void {
    this.noveltyChecked++;
    const candidate = this.view.candidates.get(data.candidateId);
    const engine = this.engine;
    if (!candidate || !engine) {
      this.differ('novelty', data, position, 'candidate', 'assessed', 'never generated or evaluated before its verdict');
      return;
    }
    for (const earlier of this.view.cycles.get(candidate.cycle)?.candidates ?? []) {
      if (earlier && earlier.index < candidate.index && earlier.status === 'rejected') engine.noteRejected(earlier.candidateId, candidate.cycle, earlier.code);
    }
    const signature = engine.signatureOf(candidate.candidateId, candidate.code);
    if (signature instanceof LexError) {
      this.differ('novelty', data, position, 'signature', data.signature, `source cannot be tokenized: ${signature.message}`);
      return;
    }
    const verdict = engine.assess(candidate.candidateId, candidate.cycle, signature, candidate.structuralFingerprint);
    const before = this.differences.length;
    for (const field of NOVELTY_FIELDS) {
      if (verdict[field] !== data[field]) this.differ('novelty', data, position, field, data[field], verdict[field]);
    }
    if (data.structuralFingerprint !== candidate.structuralFingerprint) {
      this.differ('novelty', data, position, 'structuralFingerprint', data.structuralFingerprint, candidate.structuralFingerprint);
    }
    const duplicate = structuralDuplicateIn(this.view, candidate.candidateId, candidate.structuralFingerprint);
    if (duplicate !== data.structuralDuplicateOf) this.differ('novelty', data, position, 'structuralDuplicateOf', data.structuralDuplicateOf, duplicate);
    // A recorded verdict that differs: the index drops what assess put in and rebuilds from the recorded events, so
    // each later verdict is judged on the recorded prefix before it, not on this recomputation.
    if (this.differences.length > before) engine.discardUnrecorded();
  }

  /** DecideAdmission on the candidate's recorded state before the decision, with the experiment's registered rules. */
  private checkAdmission(event: CandidateAdmitted | CandidateNotAdmitted, position: number): void {
    this.admissionsChecked++;
    const data = event.data;
    const config = this.view.config;
    const state = this.states.get(data.candidateId) ?? candidateDecider.initialState();
    if (!config) {
      this.differ('admission', data, position, 'decision', event.type, 'no registered experiment before it');
      return;
    }
    let recomputed: CandidateEvent | undefined;
    try {
      [recomputed] = candidateDecider.decide({ type: 'DecideAdmission', data: { experimentId: this.experimentId, candidateId: data.candidateId, rules: admissionRulesOf(config) } }, state);
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      this.differ('admission', data, position, 'decision', event.type, `refused: ${error.message}`);
      return;
    }
    if (!recomputed || recomputed.type !== event.type) {
      this.differ('admission', data, position, 'decision', event.type, recomputed?.type ?? null);
      return;
    }
    const again = recomputed.data as Record<string, unknown>;
    for (const [field, value] of Object.entries(data as Record<string, unknown>)) {
      if (again[field] !== value) this.differ('admission', data, position, field, value as Scalar, (again[field] ?? null) as Scalar);
    }
  }
}

/**
 * Recomputes every NoveltyAssessed (J_train, J_gen, nearest, flags, rejection count, signature, structural duplicate)
 * and every CandidateAdmitted / CandidateNotAdmitted of `experimentId` from the events before it, in log order, and
 * lists each field that differs. An untouched run has none. NOT_FOUND for an experiment the events never register.
 */
export function rederiveDecisions(events: Iterable<RecordedEvent>, experimentId: string): DecisionsReport {
  const run = new Rederivation(experimentId);
  for (const event of events) run.take(event);
  if (!run.view.config) {
    throw new LedgerError('NOT_FOUND', `no experiment ${experimentId} in these events`, '`nas-ledger experiments` lists the experiments of this store.');
  }
  return { experimentId, noveltyChecked: run.noveltyChecked, admissionsChecked: run.admissionsChecked, differences: run.differences };
}

/** The differences of one candidate (what its CandidateReviewed.decisionDifferences records). */
export function decisionDifferencesOf(report: DecisionsReport, candidateId: string): DecisionDifference[] {
  return report.differences.filter((d) => d.candidateId === candidateId)
    .map(({ decision, field, recorded, recomputed }) => ({ decision, field, recorded, recomputed }));
}
