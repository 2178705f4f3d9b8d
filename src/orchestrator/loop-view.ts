import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { ExperimentConfig } from '../../domain/experiment/config';
import type { CorpusEntry, GeneratorRef } from '../../domain/experiment/events';
import { asLedgerEvent, belongsToExperiment } from '../../domain/experiment/ledger-event';
import { corpusProjection } from '../../projections/corpus/evolve';
import { corpusEntriesOf, corpusOf as corpusSnapshotOf } from '../../projections/corpus/query';
import type { CorpusView } from '../../projections/corpus/view';

/**
 * What the orchestrator knows about one experiment: a fold of the ledger's events and nothing else,
 * so a restarted orchestrator that re-reads the log knows exactly what the crashed one knew.
 */
export interface CandidateView {
  readonly candidateId: string;
  readonly cycle: number;
  readonly index: number;
  readonly code: string;
  readonly codeHash: string;
  status: 'generated' | 'rejected' | 'evaluated';
  accuracy: number | null;
  structuralFingerprint: string | null;
  novelty: { readonly nearDup: boolean; readonly signature: string } | null;
  decision: 'admitted' | 'not-admitted' | null;
}

export interface CycleView {
  readonly cycle: number;
  readonly generator: GeneratorRef;
  readonly planned: number;
  fineTune: 'none' | 'requested' | 'done' | 'skipped';
  fineTuneRequest: { readonly corpusVersion: number; readonly corpusHash: string } | null;
  fineTunedTo: GeneratorRef | null;
  completed: boolean;
  readonly startedEventId: string;
  readonly candidates: CandidateView[]; // by index
}

export interface JobView {
  claims: number;
  failures: number;
  leaseUntil: number;
  lastAgent: string | null;
}

export interface LoopView {
  readonly experimentId: string;
  config: ExperimentConfig | null;
  registeredEventId: string | null;
  /** The CorpusSeeded entries (with their code); null until the corpus is seeded. */
  seedEntries: readonly CorpusEntry[] | null;
  readonly cycles: Map<number, CycleView>;
  readonly candidates: Map<string, CandidateView>;
  /** The corpus read model (projections/corpus), folded over the same events as the rest of this view. */
  corpus: CorpusView;
  readonly jobs: Map<string, JobView>;
  completed: boolean;
  failed: string | null;
  lastPosition: number;
}

export function emptyView(experimentId: string): LoopView {
  return {
    experimentId, config: null, registeredEventId: null, seedEntries: null, cycles: new Map(), candidates: new Map(),
    corpus: corpusProjection.initialView(), jobs: new Map(), completed: false, failed: null, lastPosition: 0,
  };
}

/** True when the event belongs to this experiment (job ids embed the experiment or candidate id). */
export function concerns(view: LoopView, event: RecordedEvent): boolean {
  return belongsToExperiment(event, view.experimentId);
}

export function currentCycle(view: LoopView): CycleView | null {
  let best: CycleView | null = null;
  for (const c of view.cycles.values()) if (!best || c.cycle > best.cycle) best = c;
  return best;
}

/** Folds one recorded event in; events at or before lastPosition are ignored (catch-up and live overlap). */
export function applyEvent(view: LoopView, recorded: RecordedEvent): boolean {
  if (recorded.globalPosition <= view.lastPosition) return false;
  view.lastPosition = recorded.globalPosition;
  if (!concerns(view, recorded)) return false;
  const event = asLedgerEvent(recorded);
  if (!event) return false;
  view.corpus = corpusProjection.evolve(view.corpus, recorded);
  switch (event.type) {
    case 'ExperimentRegistered':
      view.config = event.data.config;
      view.registeredEventId = recorded.eventId;
      break;
    case 'CorpusSeeded':
      view.seedEntries = event.data.entries;
      break;
    case 'CycleStarted':
      view.cycles.set(event.data.cycle, {
        cycle: event.data.cycle, generator: event.data.generator, planned: event.data.candidatesPlanned, fineTune: 'none',
        fineTuneRequest: null, fineTunedTo: null, completed: false, startedEventId: recorded.eventId, candidates: [],
      });
      break;
    case 'GeneratorFineTuneRequested': {
      const c = view.cycles.get(event.data.cycle);
      if (c) { c.fineTune = 'requested'; c.fineTuneRequest = { corpusVersion: event.data.corpusVersion, corpusHash: event.data.corpusHash }; }
      break;
    }
    case 'GeneratorFineTuned': {
      const c = view.cycles.get(event.data.cycle);
      if (c) { c.fineTune = 'done'; c.fineTunedTo = event.data.to; }
      break;
    }
    case 'GeneratorFineTuneSkipped': {
      const c = view.cycles.get(event.data.cycle);
      if (c) c.fineTune = 'skipped';
      break;
    }
    case 'CycleCompleted': {
      const c = view.cycles.get(event.data.cycle);
      if (c) c.completed = true;
      break;
    }
    case 'ExperimentCompleted': view.completed = true; break;
    case 'ExperimentFailed': view.failed = event.data.reason; break;
    case 'CandidateGenerated': {
      const d = event.data;
      const candidate: CandidateView = {
        candidateId: d.candidateId, cycle: d.cycle, index: d.index, code: d.code, codeHash: d.codeHash, status: 'generated',
        accuracy: null, structuralFingerprint: null, novelty: null, decision: null,
      };
      view.candidates.set(d.candidateId, candidate);
      const c = view.cycles.get(d.cycle);
      if (c) c.candidates[d.index] = candidate;
      break;
    }
    case 'CandidateRejected': {
      const c = view.candidates.get(event.data.candidateId);
      if (c) c.status = 'rejected';
      break;
    }
    case 'CandidateEvaluated': {
      const c = view.candidates.get(event.data.candidateId);
      if (c) { c.status = 'evaluated'; c.accuracy = event.data.accuracy; c.structuralFingerprint = event.data.structuralFingerprint; }
      break;
    }
    case 'NoveltyAssessed': {
      const c = view.candidates.get(event.data.candidateId);
      if (c) c.novelty = { nearDup: event.data.nearDupTextTrain || event.data.nearDupTextGen, signature: event.data.signature };
      break;
    }
    case 'CandidateAdmitted': {
      const c = view.candidates.get(event.data.candidateId);
      if (c) c.decision = 'admitted';
      break;
    }
    case 'CandidateNotAdmitted': {
      const c = view.candidates.get(event.data.candidateId);
      if (c) c.decision = 'not-admitted';
      break;
    }
    case 'JobClaimed': {
      const j = jobOf(view, event.data.jobId);
      j.claims = Math.max(j.claims, event.data.attempt); j.leaseUntil = event.data.leaseUntil; j.lastAgent = event.data.agentId;
      break;
    }
    case 'JobFailed': {
      const j = jobOf(view, event.data.jobId);
      j.failures++; j.leaseUntil = 0;
      break;
    }
    case 'ReviewStarted': case 'CandidateReviewed': case 'ReviewCompleted':
    case 'ProxyStudyStarted': case 'FullTrainRecorded': case 'ProxyRerunRecorded': case 'ProxyStudyCompleted':
      break; // reviews read the experiment; they change nothing the loop plans from
    default: {
      const never: never = event;
      void never;
    }
  }
  return true;
}

function jobOf(view: LoopView, jobId: string): JobView {
  let j = view.jobs.get(jobId);
  if (!j) { j = { claims: 0, failures: 0, leaseUntil: 0, lastAgent: null }; view.jobs.set(jobId, j); }
  return j;
}

export function isTerminal(c: CandidateView): boolean {
  return c.status === 'rejected' || c.decision !== null;
}

/**
 * The earlier candidate (generation order, this experiment) with the same module graph that was evaluated, if any:
 * the structural-duplicate rule of the novelty verdict. Shared by the orchestrator and the review's re-derivation.
 */
export function structuralDuplicateIn(view: LoopView, candidateId: string, fingerprint: string | null): string | null {
  if (!fingerprint) return null;
  for (const c of view.candidates.values()) {
    if (c.candidateId === candidateId) break;
    if (c.structuralFingerprint === fingerprint && c.status === 'evaluated') return c.candidateId;
  }
  return null;
}

/** Seed entries followed by admitted ones (the corpus read model): the corpus the generator is fine-tuned on. */
export function corpusOf(view: LoopView): CorpusEntry[] {
  const members = corpusSnapshotOf(view.corpus, view.experimentId)?.members ?? [];
  const seedCode = new Map((view.seedEntries ?? []).map((e) => [e.entryId, e.code]));
  return corpusEntriesOf(members, (entryId) => view.candidates.get(entryId)?.code ?? seedCode.get(entryId));
}
