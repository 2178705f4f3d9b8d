import { LedgerError } from '../shared/ledger-error';
import { assertNever, type Decider } from '../shared/decider';
import type { CompleteProxyStudy, ProxyStudyCommand, RecordFullTrain, RecordProxyRerun, StartProxyStudy } from './proxy-study.commands';
import { STUDY_SOURCES, type FullTrainRecorded, type ProxyRerunRecorded, type ProxyStudyEvent, type StudyTraining } from './proxy-study.events';

type FullTrain = FullTrainRecorded['data'];
type Rerun = ProxyRerunRecorded['data'];

export type ProxyStudyState =
  | { readonly status: 'none' }
  | {
    readonly status: 'started' | 'completed';
    readonly studyId: string;
    readonly experimentId: string;
    readonly candidateIds: readonly string[];
    readonly training: StudyTraining;
    readonly fullTrains: ReadonlyMap<string, FullTrain>;
    /** Keyed by rerunKey(candidate, seed). */
    readonly reruns: ReadonlyMap<string, Rerun>;
  };

type Open = Extract<ProxyStudyState, { status: 'started' | 'completed' }>;

/** The least a study needs: three pairs give a correlation a p-value, three seeds a variance with two degrees of freedom. */
export const MIN_TOP_K = 3;
export const MIN_PROXY_SEEDS = 3;

export const rerunKey = (candidateId: string, seed: number): string => `${candidateId}#${seed}`;

export const initialState = (): ProxyStudyState => ({ status: 'none' });

/** The trainings still to run, in the study's order (full training first, then each seed): what a resumed study publishes. */
export interface PendingWork {
  readonly fullTrain: readonly string[];
  readonly reruns: readonly { readonly candidateId: string; readonly seed: number }[];
}

export function pendingWork(state: ProxyStudyState): PendingWork {
  if (state.status === 'none') return { fullTrain: [], reruns: [] };
  const fullTrain = state.candidateIds.filter((id) => !state.fullTrains.has(id));
  const reruns = state.candidateIds.flatMap((candidateId) => state.training.proxySeeds
    .filter((seed) => !state.reruns.has(rerunKey(candidateId, seed))).map((seed) => ({ candidateId, seed })));
  return { fullTrain, reruns };
}

const badInput = (message: string, hint: string) => new LedgerError('BAD_INPUT', message, hint);

/** The study's settings as typed errors that say what to pass instead (the CLI checks the same before any work). */
export function checkStudySettings(settings: { topK: number; epochs: number; proxySeeds: readonly number[]; from: string }): void {
  if (!Number.isInteger(settings.topK) || settings.topK < MIN_TOP_K) {
    throw badInput(`--top-k must be an integer of at least ${MIN_TOP_K}, got ${settings.topK}`, 'Correlations need three pairs at least: pass e.g. --top-k 8.');
  }
  if (!Number.isInteger(settings.epochs) || settings.epochs < 1) {
    throw badInput(`--epochs must be a positive integer, got ${settings.epochs}`, 'Full training needs at least one epoch: pass e.g. --epochs 3 (the paper used 50).');
  }
  if (settings.proxySeeds.length < MIN_PROXY_SEEDS) {
    throw badInput(`--proxy-seeds must be at least ${MIN_PROXY_SEEDS}, got ${settings.proxySeeds.length}`,
      'The proxy\'s noise variance is estimated from repeated first-epoch runs: pass --proxy-seeds 3 or more.');
  }
  if (!settings.proxySeeds.every((s) => Number.isInteger(s) && s >= 0) || new Set(settings.proxySeeds).size !== settings.proxySeeds.length) {
    throw badInput(`the proxy seeds must be distinct non-negative integers, got ${settings.proxySeeds.join(',')}`, 'Each re-run needs its own seed.');
  }
  if (!(STUDY_SOURCES as readonly string[]).includes(settings.from)) {
    throw badInput(`--from expects ${STUDY_SOURCES.join(' or ')}, got "${settings.from}"`, 'admitted: the corpus admissions; valid: every evaluated candidate.');
  }
}

function requireStudy(state: ProxyStudyState, studyId: string): Open {
  if (state.status === 'none') {
    throw new LedgerError('NOT_FOUND', `no study ${studyId}`, 'Start one with `nas-ledger study proxy <experiment>`.');
  }
  if (state.studyId !== studyId) throw new LedgerError('REFUSED', `command for study ${studyId} sent to the stream of study ${state.studyId}`);
  return state;
}

function start(command: StartProxyStudy, state: ProxyStudyState): ProxyStudyEvent[] {
  const data = command.data;
  if (state.status !== 'none') {
    throw new LedgerError('CONFLICT', `study ${data.studyId} is already ${state.status}`,
      state.status === 'started' ? `Resume it with \`nas-ledger study proxy --resume ${data.studyId}\`.` : 'Start a new study (another --id).', { studyId: data.studyId });
  }
  if (data.studyId.trim() === '') throw badInput('a study needs an id', 'Pass --id or let the command derive one.');
  checkStudySettings({ topK: data.topK, epochs: data.training.epochs, proxySeeds: data.training.proxySeeds, from: data.from });
  if (data.candidates.length !== data.topK) {
    throw badInput(`study ${data.studyId} asks for the top ${data.topK} but names ${data.candidates.length} candidate(s)`, `Pass --top-k ${data.candidates.length} or fewer.`);
  }
  if (new Set(data.candidates.map((c) => c.candidateId)).size !== data.candidates.length) throw badInput(`study ${data.studyId} names a candidate twice`, 'Name each once.');
  return [{ type: 'ProxyStudyStarted', data }];
}

/** A result recorded once per key: a resumed or redelivered job recording it again records nothing (the first stands). */
function checkResult(study: Open, candidateId: string, experimentId: string): void {
  if (experimentId !== study.experimentId) throw new LedgerError('REFUSED', `study ${study.studyId} is of experiment ${study.experimentId}, not ${experimentId}`);
  if (!study.candidateIds.includes(candidateId)) {
    throw new LedgerError('NOT_FOUND', `candidate ${candidateId} is not in study ${study.studyId}`, 'Record results only for the candidates the study started with.');
  }
}

function checkOutcome(data: { ok: boolean; accuracy: number | null; reason: string | null }): void {
  if (data.ok && !(typeof data.accuracy === 'number' && data.accuracy >= 0 && data.accuracy <= 1)) {
    throw new LedgerError('REFUSED', `a passed training needs an accuracy in [0, 1], got ${String(data.accuracy)}`);
  }
  if (!data.ok && data.reason === null) throw new LedgerError('REFUSED', 'a failed training needs its reason');
}

function recordFullTrain(command: RecordFullTrain, state: ProxyStudyState): ProxyStudyEvent[] {
  const data = command.data;
  const study = requireStudy(state, data.studyId);
  checkResult(study, data.candidateId, data.experimentId);
  if (study.fullTrains.has(data.candidateId)) return [];
  if (data.epochs !== study.training.epochs) throw new LedgerError('REFUSED', `study ${study.studyId} trains ${study.training.epochs} epochs, not ${data.epochs}`);
  checkOutcome(data);
  return [{ type: 'FullTrainRecorded', data }];
}

function recordProxyRerun(command: RecordProxyRerun, state: ProxyStudyState): ProxyStudyEvent[] {
  const data = command.data;
  const study = requireStudy(state, data.studyId);
  checkResult(study, data.candidateId, data.experimentId);
  if (!study.training.proxySeeds.includes(data.seed)) throw new LedgerError('REFUSED', `seed ${data.seed} is not a proxy seed of study ${study.studyId}`);
  if (study.reruns.has(rerunKey(data.candidateId, data.seed))) return [];
  checkOutcome(data);
  return [{ type: 'ProxyRerunRecorded', data }];
}

function complete(command: CompleteProxyStudy, state: ProxyStudyState): ProxyStudyEvent[] {
  const study = requireStudy(state, command.data.studyId);
  if (study.status === 'completed') return [];
  const pending = pendingWork(study);
  if (pending.fullTrain.length + pending.reruns.length > 0) {
    throw new LedgerError('REFUSED', `study ${study.studyId} has ${pending.fullTrain.length} full training(s) and ${pending.reruns.length} proxy re-run(s) to go`,
      `Resume it with \`nas-ledger study proxy --resume ${study.studyId}\`.`);
  }
  const fulls = [...study.fullTrains.values()];
  return [{
    type: 'ProxyStudyCompleted',
    data: {
      studyId: study.studyId, experimentId: study.experimentId, pairs: fulls.filter((f) => f.ok).length,
      fullTrainFailures: fulls.filter((f) => !f.ok).length, proxyRerunFailures: [...study.reruns.values()].filter((r) => !r.ok).length,
    },
  }];
}

export function decide(command: ProxyStudyCommand, state: ProxyStudyState): ProxyStudyEvent[] {
  switch (command.type) {
    case 'StartProxyStudy': return start(command, state);
    case 'RecordFullTrain': return recordFullTrain(command, state);
    case 'RecordProxyRerun': return recordProxyRerun(command, state);
    case 'CompleteProxyStudy': return complete(command, state);
    default: return assertNever(command, 'proxy study command');
  }
}

export function evolve(state: ProxyStudyState, event: ProxyStudyEvent): ProxyStudyState {
  switch (event.type) {
    case 'ProxyStudyStarted': {
      const { studyId, experimentId, candidates, training } = event.data;
      return { status: 'started', studyId, experimentId, candidateIds: candidates.map((c) => c.candidateId), training, fullTrains: new Map(), reruns: new Map() };
    }
    case 'FullTrainRecorded': {
      if (state.status === 'none') return state;
      return { ...state, fullTrains: new Map(state.fullTrains).set(event.data.candidateId, event.data) };
    }
    case 'ProxyRerunRecorded': {
      if (state.status === 'none') return state;
      return { ...state, reruns: new Map(state.reruns).set(rerunKey(event.data.candidateId, event.data.seed), event.data) };
    }
    case 'ProxyStudyCompleted':
      return state.status === 'none' ? state : { ...state, status: 'completed' };
    default:
      return assertNever(event, 'proxy study event');
  }
}

export const proxyStudyDecider: Decider<ProxyStudyCommand, ProxyStudyEvent, ProxyStudyState> = { decide, evolve, initialState };
