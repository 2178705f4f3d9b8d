import { candidateDecider } from '../../domain/candidate/candidate.decider';
import type { CandidateCommand } from '../../domain/candidate/candidate.commands';
import { corpusHashOf } from '../../domain/experiment/corpus';
import { experimentDecider } from '../../domain/experiment/experiment.decider';
import {
  candidateIdFor, EVENT_SCHEMA_VERSIONS, streamIds, type CandidateEvent, type CandidateGenerated, type LedgerEventType,
} from '../../domain/experiment/events';
import { firstEvent, isEvent } from '../../domain/experiment/ledger-event';
import { sha256Hex } from '../../domain/shared/canonical-json';
import type { NewEvent } from '../../domain/shared/event-envelope';
import { eventIdFor } from '../../domain/shared/ids';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { FineTuneJob, GenerateJob } from '../../src/bus/agent-job';
import type { EventStore } from '../../src/ledger/event-store.port';
import { handleCommand, ONE_ATTEMPT } from '../../src/ledger/handle-command';
import { createGenerator, type CreateGeneratorOptions } from '../generators/create-generator';
import type { GeneratedProgram, Generator } from '../generators/generator.port';
import type { JobHandlerRegistry } from './job-handlers';
import { readCorpus } from '../generators/ledger-corpus';

export interface GeneratorHandlerOptions {
  readonly store: EventStore;
  readonly agentId: string;
  /** Where generator versions live: artifactDirFor(store location). */
  readonly artifactDir: string;
  readonly python?: string;
  readonly device?: string;
  readonly now?: () => Date;
  /** Builds the generator for a job (tests and the CLI pass createGenerator's options through). */
  readonly open?: (spec: string, options: CreateGeneratorOptions) => Promise<Generator>;
  readonly log?: (line: string) => void;
}

/** Plugs 'generate' and 'fine-tune' into an agent's handler registry (gpu-agent/agent/job-handlers.ts). */
export function registerGeneratorHandlers(registry: JobHandlerRegistry, options: GeneratorHandlerOptions): void {
  registry.register('generate', createGenerateHandler(options));
  registry.register('fine-tune', createFineTuneHandler(options));
}

async function openFor(
  options: GeneratorHandlerOptions, spec: string, version: string, experiment: { dataset?: string; parameterBudget?: number } = {},
): Promise<Generator> {
  const open = options.open ?? createGenerator;
  const generator = await open(spec, { artifactDir: options.artifactDir, version, python: options.python, device: options.device, ...experiment });
  if (generator.ref.version !== version) {
    throw new LedgerError('INTEGRITY', `generator ${spec} loaded version ${generator.ref.version}, the job names ${version}`,
      'The artifact directory does not hold the version this experiment recorded; point the agent at the right one.');
  }
  return generator;
}

/**
 * 'generate': runs the generator for the cycle and appends, per program, CandidateGenerated to
 * `candidate-<candidateIdFor(experiment, cycle, index)>` at expected version 'no_stream' with event id
 * eventIdFor(jobId, index). A program that could not be extracted or whose diff does not apply is recorded in the
 * same append as CandidateRejected (stage parse | diff-apply). A redelivered job appends only what is missing.
 */
export function createGenerateHandler(options: GeneratorHandlerOptions): (job: GenerateJob) => Promise<void> {
  const now = options.now ?? (() => new Date());
  return async (job) => {
    if (!Number.isInteger(job.count) || job.count < 0) throw new LedgerError('BAD_INPUT', `generate job ${job.jobId}: count must be a non-negative integer`, 'Fix the orchestrator.');
    const missing: number[] = [];
    for (let index = 0; index < job.count; index += 1) {
      const stream = streamIds.candidate(candidateIdFor(job.experimentId, job.cycle, index));
      if ((await options.store.readStream(stream, { from: 0, to: 0 })).length === 0) missing.push(index);
    }
    if (missing.length === 0) return;
    const generator = await openFor(options, job.generatorSpec, job.generator.version, { dataset: job.dataset, parameterBudget: job.parameterBudget });
    try {
      const corpus = job.delta ? await readCorpus(options.store, job.experimentId) : [];
      const programs = await generator.generate(job.count, job.seed, { dataset: job.dataset, parameterBudget: job.parameterBudget, delta: job.delta, corpus });
      for (const index of missing) {
        const program = programs[index];
        if (!program) throw new LedgerError('INTERNAL', `generator ${job.generatorSpec} returned ${programs.length} programs, ${job.count} were asked for`);
        await appendCandidate(options, job, program, now().toISOString());
      }
      options.log?.(`agent ${options.agentId}: generated ${missing.length} candidate(s) for ${job.experimentId} cycle ${job.cycle}`);
    } finally {
      await generator.close?.();
    }
  };
}

async function appendCandidate(options: GeneratorHandlerOptions, job: GenerateJob, program: GeneratedProgram, recordedAt: string): Promise<void> {
  const candidateId = candidateIdFor(job.experimentId, job.cycle, program.index);
  const streamId = streamIds.candidate(candidateId);
  // The decider cannot record an empty program; an empty model answer is still a fact worth keeping.
  const code = program.code.length > 0 ? program.code : '# (the generator returned no output)\n';
  const data: CandidateGenerated['data'] = {
    experimentId: job.experimentId, cycle: job.cycle, candidateId, index: program.index, code,
    codeHash: code === program.code ? program.codeHash : sha256Hex(code), generator: program.generator, promptHash: program.promptHash,
    decoding: program.decoding, seed: job.seed, outputTokens: program.outputTokens, parent: program.parent,
  };
  const commands: CandidateCommand[] = [{ type: 'RecordGenerated', data }];
  if (program.failure !== null) {
    commands.push({ type: 'RecordRejection', data: {
      experimentId: job.experimentId, cycle: job.cycle, candidateId, stage: program.failure.stage, reason: program.failure.reason, params: null, device: null,
    } });
  }
  // Decide both through the candidate decider, then append them together, so no evaluate job ever sees an
  // unparseable candidate without its rejection.
  let state = candidateDecider.initialState();
  const events: CandidateEvent[] = [];
  for (const command of commands) {
    const decided = candidateDecider.decide(command, state);
    for (const e of decided) { state = candidateDecider.evolve(state, e); events.push(e); }
  }
  const envelopes: NewEvent[] = events.map((event, i) => ({
    eventId: i === 0 ? eventIdFor(job.jobId, program.index) : eventIdFor(`${job.jobId}:rejected`, program.index),
    type: event.type,
    schemaVersion: EVENT_SCHEMA_VERSIONS[event.type as LedgerEventType],
    data: event.data,
    metadata: { commandId: `${job.jobId}#${program.index}`, correlationId: job.correlationId, causationId: job.causationId, actor: `agent/${options.agentId}`, recordedAt },
  }));
  try {
    await options.store.append(streamId, envelopes, 'no_stream');
  } catch (error) {
    if (!(error instanceof LedgerError) || error.code !== 'CONFLICT') throw error;
    const [first] = await options.store.readStream(streamId, { from: 0, to: 0 });
    if (first?.eventId !== envelopes[0]!.eventId) throw error; // someone else wrote this candidate: a real conflict
  }
}

/**
 * 'fine-tune': reads the corpus prefix the request names (checking its hash), fine-tunes the generator, and
 * records GeneratorFineTuned on the experiment stream through the experiment decider.
 */
export function createFineTuneHandler(options: GeneratorHandlerOptions): (job: FineTuneJob) => Promise<void> {
  const now = options.now ?? (() => new Date());
  return async (job) => {
    const stream = streamIds.experiment(job.experimentId);
    const recorded = await options.store.readStream(stream);
    if (recorded.some((e) => isEvent(e, 'GeneratorFineTuned') && e.data.cycle === job.cycle)) return;
    const corpus = (await readCorpus(options.store, job.experimentId)).slice(0, job.corpusVersion);
    if (corpus.length !== job.corpusVersion || corpusHashOf(corpus.map((e) => e.codeHash)) !== job.corpusHash) {
      throw new LedgerError('INTEGRITY', `fine-tune job ${job.jobId}: the ledger's corpus does not match version ${job.corpusVersion} / hash ${job.corpusHash.slice(0, 12)}…`,
        'The fine-tune request and the corpus disagree; verify the store (nas-ledger events verify).');
    }
    const config = firstEvent(recorded, 'ExperimentRegistered')?.data.config;
    const generator = await openFor(options, job.generatorSpec, job.from.version, { dataset: config?.dataset, parameterBudget: config?.parameterBudget });
    try {
      const result = await generator.fineTune(job.corpusVersion, corpus);
      const { outcome } = await handleCommand(options.store, stream, experimentDecider, {
        type: 'RecordFineTuned',
        data: {
          experimentId: job.experimentId, cycle: job.cycle, to: result.to, adapterHash: result.adapterHash, loss: result.loss,
          durationMs: Math.round(result.durationMs),
        },
      }, { commandId: `FineTune:${job.experimentId}:${job.cycle}`, correlationId: job.correlationId, causationId: job.causationId, actor: `agent/${options.agentId}`, now }, ONE_ATTEMPT);
      if (outcome === 'conflict') throw new LedgerError('CONFLICT', `experiment ${job.experimentId} changed while recording its fine-tune`, 'The bus redelivers the job; nothing to do.');
      options.log?.(`agent ${options.agentId}: fine-tuned ${job.generatorSpec} ${job.from.version} -> ${result.to.version} on ${result.used}/${corpus.length} entries`);
    } finally {
      await generator.close?.();
    }
  };
}
