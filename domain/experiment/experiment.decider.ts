import { LedgerError } from '../shared/ledger-error';
import { assertNever, type Decider } from '../shared/decider';
import { configHash, type ExperimentConfig } from './config';
import { corpusHashOf } from './corpus';
import type { ExperimentEvent, GeneratorRef } from './events';
import type {
  CompleteCycle, ExperimentCommand, FailExperiment, RecordFineTuned, RegisterExperiment, RequestFineTune,
  SeedCorpus, SkipFineTune, StartCycle,
} from './experiment.commands';

/** What every registered experiment knows, whatever its status. */
export interface ExperimentFacts {
  readonly experimentId: string;
  readonly config: ExperimentConfig;
  readonly seedCorpus: { readonly size: number; readonly hash: string } | null;
  /** Seed entries plus every admitted candidate of completed cycles. */
  readonly corpusSize: number;
  readonly cyclesCompleted: number;
  /** The generator the next cycle uses: the last fine-tune's output, or cycle 1's generator. */
  readonly generator: GeneratorRef | null;
}

export type CyclePhase = 'generating' | 'fine-tune-requested' | 'fine-tuned' | 'fine-tune-skipped';

export interface CycleInProgress {
  readonly cycle: number;
  readonly generator: GeneratorRef;
  readonly phase: CyclePhase;
  /** Set once the fine-tune is requested: what it trains on. */
  readonly fineTuneCorpusVersion: number | null;
}

export type ExperimentState =
  | { readonly status: 'unregistered' }
  | ({ readonly status: 'registered' } & ExperimentFacts)
  | ({ readonly status: 'running'; readonly current: CycleInProgress } & ExperimentFacts)
  | ({ readonly status: 'completed' } & ExperimentFacts)
  | ({ readonly status: 'failed'; readonly reason: string } & ExperimentFacts);

type Active = Extract<ExperimentState, { status: 'registered' | 'running' }>;
type Running = Extract<ExperimentState, { status: 'running' }>;

export const initialState = (): ExperimentState => ({ status: 'unregistered' });

const refused = (message: string, hint?: string, details?: Record<string, unknown>) =>
  new LedgerError('REFUSED', message, hint, details);

function requireActive(state: ExperimentState, experimentId: string): Active {
  switch (state.status) {
    case 'unregistered':
      throw new LedgerError('NOT_FOUND', `experiment ${experimentId} is not registered`, 'Register it first (nas-ledger run registers it).');
    case 'completed':
    case 'failed':
      throw refused(`experiment ${experimentId} is ${state.status}; a finished experiment records nothing more`,
        'Register a new experiment to continue the work.');
    case 'registered':
    case 'running':
      if (state.experimentId !== experimentId) {
        throw refused(`command for experiment ${experimentId} sent to the stream of ${state.experimentId}`);
      }
      return state;
    default:
      return assertNever(state, 'experiment state');
  }
}

function requireRunning(state: ExperimentState, experimentId: string, cycle: number): Running {
  const active = requireActive(state, experimentId);
  if (active.status !== 'running') {
    throw refused(`cycle ${cycle} of ${experimentId} is not running (${active.cyclesCompleted} cycles completed)`,
      'Start the cycle first.');
  }
  if (active.current.cycle !== cycle) {
    throw refused(`cycle ${cycle} of ${experimentId} is not the running cycle (${active.current.cycle} is)`);
  }
  return active;
}

function register(command: RegisterExperiment, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, name, config } = command.data;
  const group = command.data.group ?? null;
  if (state.status !== 'unregistered') {
    throw refused(`experiment ${experimentId} is already registered`, 'Choose another experiment id, or resume the existing one.');
  }
  if (!Number.isInteger(config.cycles) || config.cycles < 1) throw refused(`config.cycles must be a positive integer, got ${config.cycles}`);
  if (!(config.threshold >= 0 && config.threshold <= 1)) throw refused(`config.threshold must lie in [0, 1], got ${config.threshold}`);
  if (group && !group.seeds.includes(config.seed)) {
    throw refused(`experiment ${experimentId}'s seed ${config.seed} is not one of its group's seeds (${group.seeds.join(', ')})`);
  }
  return [{ type: 'ExperimentRegistered', data: { experimentId, name, config, configHash: configHash(config), group } }];
}

function seedCorpus(command: SeedCorpus, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, entries, source } = command.data;
  const active = requireActive(state, experimentId);
  if (active.seedCorpus !== null) throw refused(`the corpus of ${experimentId} is already seeded`);
  const ids = new Set<string>();
  for (const entry of entries) {
    if (ids.has(entry.entryId)) throw refused(`seed corpus entry ${entry.entryId} appears twice`, 'Give every entry a unique id.');
    ids.add(entry.entryId);
  }
  const corpusHash = corpusHashOf(entries.map((e) => e.codeHash));
  return [{ type: 'CorpusSeeded', data: { experimentId, entries, corpusHash, source } }];
}

function startCycle(command: StartCycle, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, cycle, candidatesPlanned } = command.data;
  const active = requireActive(state, experimentId);
  if (active.status === 'running') {
    throw refused(`cycle ${active.current.cycle} of ${experimentId} is still running`, 'Complete it before starting another.');
  }
  if (active.seedCorpus === null) throw refused(`the corpus of ${experimentId} is not seeded`, 'Seed the corpus before cycle 1.');
  const next = active.cyclesCompleted + 1;
  if (cycle !== next) throw refused(`cycle ${cycle} cannot start: the next cycle of ${experimentId} is ${next}`);
  if (cycle > active.config.cycles) throw refused(`${experimentId} is configured for ${active.config.cycles} cycles`, 'Complete the experiment.');
  if (!Number.isInteger(candidatesPlanned) || candidatesPlanned < 1) throw refused(`candidatesPlanned must be a positive integer, got ${candidatesPlanned}`);
  const generator = command.data.generator ?? active.generator;
  if (generator === null) throw refused(`cycle 1 of ${experimentId} needs a generator`, 'Name the generator and its version.');
  if (active.generator !== null && generator.version !== active.generator.version) {
    throw refused(`cycle ${cycle} must use generator version ${active.generator.version}, the output of the last fine-tune`,
      undefined, { given: generator.version });
  }
  return [{
    type: 'CycleStarted',
    data: { experimentId, cycle, generator, corpusSize: active.corpusSize, candidatesPlanned },
  }];
}

function requestFineTune(command: RequestFineTune, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, cycle, corpusVersion, corpusHash } = command.data;
  const running = requireRunning(state, experimentId, cycle);
  if (running.current.phase !== 'generating') throw refused(`the fine-tune of cycle ${cycle} is already ${running.current.phase}`);
  if (running.config.ablations.noIteration) {
    // The no-iteration ablation fine-tunes once, on the seed corpus, and never again.
    if (cycle > 1) throw refused(`no-iteration ablation: cycle ${cycle} may not fine-tune`, 'Skip the fine-tune (SkipFineTune).');
    const seed = running.seedCorpus!;
    if (corpusVersion !== seed.size || corpusHash !== seed.hash) {
      throw refused('no-iteration ablation: the one fine-tune must train on the seed corpus only',
        `Request it with corpusVersion ${seed.size} and the seed corpus hash.`);
    }
  }
  if (!Number.isInteger(corpusVersion) || corpusVersion < 0) throw refused(`corpusVersion must be a non-negative integer, got ${corpusVersion}`);
  return [{ type: 'GeneratorFineTuneRequested', data: { experimentId, cycle, from: running.current.generator, corpusVersion, corpusHash } }];
}

function recordFineTuned(command: RecordFineTuned, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, cycle, to, adapterHash, loss, durationMs } = command.data;
  const running = requireRunning(state, experimentId, cycle);
  if (running.current.phase !== 'fine-tune-requested') {
    throw refused(`cycle ${cycle} has no fine-tune in flight (phase ${running.current.phase})`, 'Request the fine-tune first.');
  }
  return [{
    type: 'GeneratorFineTuned',
    data: {
      experimentId, cycle, from: running.current.generator, to, adapterHash,
      corpusVersion: running.current.fineTuneCorpusVersion!, loss, durationMs,
    },
  }];
}

function skipFineTune(command: SkipFineTune, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, cycle } = command.data;
  const running = requireRunning(state, experimentId, cycle);
  if (!running.config.ablations.noIteration) {
    throw refused(`cycle ${cycle} may not skip its fine-tune: only the no-iteration ablation skips`, 'Request the fine-tune.');
  }
  if (cycle === 1) throw refused('no-iteration ablation: cycle 1 fine-tunes once on the seed corpus', 'Request the fine-tune.');
  if (running.current.phase !== 'generating') throw refused(`the fine-tune of cycle ${cycle} is already ${running.current.phase}`);
  return [{ type: 'GeneratorFineTuneSkipped', data: { experimentId, cycle, reason: 'noIteration' } }];
}

function completeCycle(command: CompleteCycle, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, cycle, candidates } = command.data;
  const running = requireRunning(state, experimentId, cycle);
  const { generated, terminal, admitted } = candidates;
  if (!(terminal >= 0 && admitted >= 0 && admitted <= terminal && terminal <= generated)) {
    throw refused(`inconsistent candidate counts for cycle ${cycle}`, 'Count generated >= terminal >= admitted >= 0.', { ...candidates });
  }
  if (terminal < generated) {
    throw refused(`cycle ${cycle} has ${generated - terminal} of ${generated} candidates not yet decided`,
      'Wait until every candidate is rejected, admitted or not admitted.');
  }
  const phase = running.current.phase;
  if (phase !== 'fine-tuned' && phase !== 'fine-tune-skipped') {
    throw refused(`cycle ${cycle} cannot complete while its fine-tune is ${phase === 'generating' ? 'not requested' : 'in flight'}`,
      'Finish (or, under the no-iteration ablation, skip) the fine-tune first.');
  }
  return [{ type: 'CycleCompleted', data: { experimentId, cycle, generated, admitted, corpusSize: running.corpusSize + admitted } }];
}

function completeExperiment(experimentId: string, state: ExperimentState): ExperimentEvent[] {
  const active = requireActive(state, experimentId);
  if (active.status === 'running') throw refused(`cycle ${active.current.cycle} of ${experimentId} is still running`);
  if (active.cyclesCompleted < active.config.cycles) {
    throw refused(`${experimentId} has completed ${active.cyclesCompleted} of ${active.config.cycles} cycles`,
      'Run the remaining cycles, or record the experiment as failed to stop it early.');
  }
  return [{ type: 'ExperimentCompleted', data: { experimentId, cycles: active.cyclesCompleted } }];
}

function failExperiment(command: FailExperiment, state: ExperimentState): ExperimentEvent[] {
  const { experimentId, reason } = command.data;
  requireActive(state, experimentId);
  if (reason.trim() === '') throw refused('a failure needs a reason');
  return [{ type: 'ExperimentFailed', data: { experimentId, reason } }];
}

export function decide(command: ExperimentCommand, state: ExperimentState): ExperimentEvent[] {
  switch (command.type) {
    case 'RegisterExperiment': return register(command, state);
    case 'SeedCorpus': return seedCorpus(command, state);
    case 'StartCycle': return startCycle(command, state);
    case 'RequestFineTune': return requestFineTune(command, state);
    case 'RecordFineTuned': return recordFineTuned(command, state);
    case 'SkipFineTune': return skipFineTune(command, state);
    case 'CompleteCycle': return completeCycle(command, state);
    case 'CompleteExperiment': return completeExperiment(command.data.experimentId, state);
    case 'FailExperiment': return failExperiment(command, state);
    default: return assertNever(command, 'experiment command');
  }
}

/** Folds one recorded event; events reached this stream through decide, so evolve trusts them. */
export function evolve(state: ExperimentState, event: ExperimentEvent): ExperimentState {
  if (event.type === 'ExperimentRegistered') {
    const { experimentId, config } = event.data;
    return { status: 'registered', experimentId, config, seedCorpus: null, corpusSize: 0, cyclesCompleted: 0, generator: null };
  }
  if (state.status === 'unregistered') return state;
  switch (event.type) {
    case 'CorpusSeeded':
      return { ...state, seedCorpus: { size: event.data.entries.length, hash: event.data.corpusHash }, corpusSize: event.data.entries.length };
    case 'CycleStarted': {
      const { cycle, generator } = event.data;
      return { ...state, status: 'running', generator, current: { cycle, generator, phase: 'generating', fineTuneCorpusVersion: null } };
    }
    case 'GeneratorFineTuneRequested':
      return withPhase(state, 'fine-tune-requested', event.data.corpusVersion);
    case 'GeneratorFineTuned':
      return withPhase(state, 'fine-tuned', undefined, event.data.to);
    case 'GeneratorFineTuneSkipped':
      return withPhase(state, 'fine-tune-skipped');
    case 'CycleCompleted': {
      const { current: _done, ...facts } = state as Running;
      return { ...facts, status: 'registered', cyclesCompleted: event.data.cycle, corpusSize: event.data.corpusSize };
    }
    case 'ExperimentCompleted':
      return { ...facts(state), status: 'completed' };
    case 'ExperimentFailed':
      return { ...facts(state), status: 'failed', reason: event.data.reason };
    default:
      return assertNever(event, 'experiment event');
  }
}

function withPhase(state: ExperimentState, phase: CyclePhase, corpusVersion?: number, generator?: GeneratorRef): ExperimentState {
  if (state.status !== 'running') return state;
  const fineTuneCorpusVersion = corpusVersion ?? state.current.fineTuneCorpusVersion;
  return { ...state, generator: generator ?? state.generator, current: { ...state.current, phase, fineTuneCorpusVersion } };
}

function facts(state: Exclude<ExperimentState, { status: 'unregistered' }>): ExperimentFacts {
  const { experimentId, config, seedCorpus, corpusSize, cyclesCompleted, generator } = state;
  return { experimentId, config, seedCorpus, corpusSize, cyclesCompleted, generator };
}

export const experimentDecider: Decider<ExperimentCommand, ExperimentEvent, ExperimentState> = { decide, evolve, initialState };
