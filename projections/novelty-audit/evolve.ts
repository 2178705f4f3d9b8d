import type { RecordedEvent } from '../../domain/shared/event-envelope';
import type { LedgerEventType } from '../../domain/experiment/events';
import type { Projection } from '../shared/projection';
import { asLedgerEvent } from '../shared/ledger-event';
import type { AuditedCycle, ExperimentNoveltyAudit, NoveltyAuditView } from './view';

export const NOVELTY_AUDIT_VERSION = '1';

export const noveltyAuditHandledTypes: readonly LedgerEventType[] = [
  'ExperimentRegistered', 'CorpusSeeded', 'CycleStarted', 'CandidateGenerated', 'CandidateRejected', 'CandidateAdmitted',
  'CandidateNotAdmitted', 'CycleCompleted',
];

export function initialNoveltyAuditView(): NoveltyAuditView {
  return { experiments: {} };
}

/** The corpus with its source text, the candidates the filter turned away and each cycle's admissions. */
export function evolveNoveltyAudit(view: NoveltyAuditView, recorded: RecordedEvent): NoveltyAuditView {
  const event = asLedgerEvent(recorded);
  if (!event || event.type === 'JobClaimed' || event.type === 'JobFailed') return view;
  if (event.type === 'ExperimentRegistered') {
    const { experimentId, config } = event.data;
    const { shingleSize, permutations, seed, normalizeNames } = config.novelty;
    return withExperiment(view, {
      experimentId, tau: config.novelty.nearDuplicateTau, threshold: config.threshold, filterOn: !config.ablations.noNovelty,
      delta: config.delta, text: { shingleSize, permutations, seed, normalizeNames }, corpus: [], pending: {}, turnedAway: [], cycles: [],
    });
  }
  const audit = view.experiments[event.data.experimentId];
  if (!audit) return view;
  switch (event.type) {
    case 'CorpusSeeded':
      return withExperiment(view, {
        ...audit,
        corpus: [...audit.corpus, ...event.data.entries.map((e) => ({
          entryId: e.entryId, source: 'seed' as const, cycle: null, codeHash: e.codeHash, code: e.code, accuracy: e.accuracy,
        }))],
      });
    case 'CycleStarted':
      return withExperiment(view, { ...audit, cycles: [...audit.cycles, { cycle: event.data.cycle, admitted: 0, completed: false }] });
    case 'CandidateGenerated':
      return withExperiment(view, {
        ...audit, pending: { ...audit.pending, [event.data.candidateId]: { code: event.data.code, codeHash: event.data.codeHash } },
      });
    case 'CandidateRejected':
      return withExperiment(view, { ...audit, pending: without(audit.pending, event.data.candidateId) });
    case 'CandidateAdmitted': {
      const { candidateId, cycle, accuracy, codeHash } = event.data;
      const code = audit.pending[candidateId]?.code ?? '';
      return withExperiment(view, {
        ...audit, pending: without(audit.pending, candidateId),
        corpus: [...audit.corpus, { entryId: candidateId, source: 'admitted', cycle, codeHash, code, accuracy }],
        cycles: withCycle(audit.cycles, cycle, (c) => ({ ...c, admitted: c.admitted + 1 })),
      });
    }
    case 'CandidateNotAdmitted': {
      const { candidateId, cycle, accuracy, reason } = event.data;
      const turnedAway = reason === 'below_threshold' || (accuracy < audit.threshold)
        ? audit.turnedAway
        : [...audit.turnedAway, { candidateId, cycle, accuracy, reason, position: recorded.globalPosition }];
      return withExperiment(view, { ...audit, pending: without(audit.pending, candidateId), turnedAway });
    }
    case 'CycleCompleted':
      return withExperiment(view, { ...audit, cycles: withCycle(audit.cycles, event.data.cycle, (c) => ({ ...c, completed: true })) });
    default:
      return view;
  }
}

function withExperiment(view: NoveltyAuditView, audit: ExperimentNoveltyAudit): NoveltyAuditView {
  return { experiments: { ...view.experiments, [audit.experimentId]: audit } };
}

function without<V>(record: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> {
  if (!(key in record)) return record;
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

function withCycle(cycles: readonly AuditedCycle[], cycle: number, change: (c: AuditedCycle) => AuditedCycle): AuditedCycle[] {
  const known = cycles.some((c) => c.cycle === cycle);
  const all = known ? cycles : [...cycles, { cycle, admitted: 0, completed: false }];
  return all.map((c) => (c.cycle === cycle ? change(c) : c));
}

export const noveltyAuditProjection: Projection<NoveltyAuditView> = {
  name: 'novelty-audit',
  codeVersion: NOVELTY_AUDIT_VERSION,
  handledEventTypes: noveltyAuditHandledTypes,
  initialView: initialNoveltyAuditView,
  evolve: evolveNoveltyAudit,
};
