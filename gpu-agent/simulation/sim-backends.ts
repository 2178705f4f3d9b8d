import { contentHash, sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { ExperimentConfig } from '../../domain/experiment/config';
import type { CorpusEntry, GeneratorRef } from '../../domain/experiment/events';
import { candidateIdFor, streamIds } from '../../domain/experiment/events';
import { isEvent } from '../../domain/experiment/ledger-event';
import { experimentDecider } from '../../domain/experiment/experiment.decider';
import { candidateDecider } from '../../domain/candidate/candidate.decider';
import { genomeToProgram, programToGenome, type Genome, COMPONENT_TYPES } from '../../domain/simulation/genome';
import { createLandscape, fitnessOf, isValid, simulatedAccuracy, violations, type Landscape } from '../../domain/simulation/landscape';
import { generateGenomes, learnedAfter, randomGenome } from '../../domain/simulation/generator';
import { mutationRate } from '../../domain/simulation/schedules';
import { createRng, deriveSeed } from '../../domain/simulation/rng';
import type { EventStore } from '../../src/ledger/event-store.port';
import type { AgentJob, EvaluateJob, FineTuneJob, GenerateJob } from '../../src/bus/agent-job';
import type { JobHandler } from '../../src/bus/agent-bus.port';
import { readCorpus } from '../generators/ledger-corpus';
import { handleCommand, ONE_ATTEMPT, type CommandMetadata } from '../../src/ledger/handle-command';

/**
 * The `sim` generator and `sim` evaluator as agent job handlers (docs/simulation.md). They run the loop through
 * the real ledger, bus and orchestrator with no PyTorch: a generate job mutates genomes from the generator's
 * template pool; an evaluate job applies the validity and fitness models; a fine-tune job sets the template pool
 * to the top-k of the corpus and advances the learning curve. All their state is read back from the ledger.
 */
export const SIM_TOP_K = 10;
export const SIM_SEED_CORPUS_SIZE = 20;
export const SIM_SEED_TIMELINE = 22; // the learning curve is seed 003's, stretched over the experiment's cycles
const SIM_PROTOCOL = { protocol: 'sim', noiseSd: 0.02, model: 'landscape-v1' } as const;

export const simInitialGenerator = (): GeneratorRef => ({ id: 'sim', version: contentHash({ templates: [], refinements: 0 }) });

/** The seed corpus of a sim experiment: random valid genomes, with their simulated accuracy. */
export async function simSeedCorpus(_experimentId: string, config: ExperimentConfig): Promise<{ entries: CorpusEntry[]; source: string }> {
  const landscape = createLandscape(config.seed);
  const rng = createRng(deriveSeed(config.seed, 'seed-corpus'));
  const entries: CorpusEntry[] = [];
  while (entries.length < SIM_SEED_CORPUS_SIZE) {
    const genome = randomGenome(rng);
    if (!isValid(landscape, genome)) continue;
    const code = genomeToProgram(genome);
    const codeHash = sha256Hex(code);
    if (entries.some((e) => e.codeHash === codeHash)) continue;
    const n = String(entries.length).padStart(2, '0');
    entries.push({ entryId: `seed:sim-${n}`, name: `sim-${n}`, code, codeHash, accuracy: simulatedAccuracy(landscape, genome, deriveSeed(config.seed, codeHash)) });
  }
  return { entries, source: `sim seed corpus (${SIM_SEED_CORPUS_SIZE} random valid genomes, world seed ${config.seed})` };
}

export interface SimAgentOptions {
  readonly agentId: string;
  /** Artificial evaluation time, so tests can kill an agent mid-evaluation. */
  readonly evaluateDelayMs?: number;
  readonly now?: () => Date;
}

interface SimWorld { readonly config: ExperimentConfig; readonly landscape: Landscape }

export function createSimJobHandler(store: EventStore, options: SimAgentOptions): JobHandler {
  const worlds = new Map<string, SimWorld>();
  const now = options.now ?? (() => new Date());
  const ctx = (job: AgentJob, commandId: string): CommandMetadata => ({
    commandId, correlationId: job.correlationId, causationId: job.causationId, actor: `agent/${options.agentId}`, now,
  });

  async function world(experimentId: string): Promise<SimWorld> {
    const known = worlds.get(experimentId);
    if (known) return known;
    const [registered] = await store.readStream(streamIds.experiment(experimentId), { from: 0, to: 0 });
    if (!isEvent(registered, 'ExperimentRegistered')) throw new Error(`experiment ${experimentId} is not registered`);
    const config = registered.data.config;
    const w = { config, landscape: createLandscape(config.seed) };
    worlds.set(experimentId, w);
    return w;
  }

  /** The generator's state for a cycle: the templates and refinement count its last fine-tune left. */
  async function generatorState(experimentId: string, corpusVersion: number | null, refinements: number, config: ExperimentConfig, landscape: Landscape) {
    if (corpusVersion === null) return { templates: [] as Genome[], learned: 0 };
    const corpus = (await readCorpus(store, experimentId)).slice(0, corpusVersion);
    const genomes = corpus.map((e) => programToGenome(e.code)).filter((g): g is number[] => g !== null);
    genomes.sort((a, b) => fitnessOf(landscape, b) - fitnessOf(landscape, a));
    const progress = refinements * SIM_SEED_TIMELINE / Math.max(1, config.cycles);
    return { templates: genomes.slice(0, SIM_TOP_K), learned: learnedAfter(progress) };
  }

  async function lastFineTune(experimentId: string, beforeCycle: number) {
    const events = await store.readStream(streamIds.experiment(experimentId));
    let refinements = 0; let corpusVersion: number | null = null;
    for (const e of events) {
      if (!isEvent(e, 'GeneratorFineTuned')) continue;
      const d = e.data;
      if (d.cycle >= beforeCycle) continue;
      refinements++; corpusVersion = d.corpusVersion;
    }
    return { refinements, corpusVersion };
  }

  async function generate(job: GenerateJob): Promise<void> {
    const { config, landscape } = await world(job.experimentId);
    const { refinements, corpusVersion } = await lastFineTune(job.experimentId, job.cycle);
    const state = await generatorState(job.experimentId, corpusVersion, refinements, config, landscape);
    const rate = mutationRate('linear', job.cycle, config.cycles);
    // Seeded by the run's seed and the cycle only: the same config and seed draw the same programs in any experiment.
    const genomes = generateGenomes(landscape, state, job.count, rate, createRng(deriveSeed(job.seed, 'generate', job.cycle)));
    for (let index = 0; index < genomes.length; index++) {
      const candidateId = candidateIdFor(job.experimentId, job.cycle, index);
      const code = genomeToProgram(genomes[index]!);
      await handleCommand(store, streamIds.candidate(candidateId), candidateDecider, {
        type: 'RecordGenerated', data: {
          experimentId: job.experimentId, cycle: job.cycle, candidateId, index, code, codeHash: sha256Hex(code), generator: job.generator,
          promptHash: contentHash({ sim: 'mutate-from-templates', rate }), decoding: { temperature: rate, topK: SIM_TOP_K, topP: 1, maxNewTokens: 0 },
          seed: job.seed, outputTokens: genomes[index]!.length, parent: null,
        },
      }, ctx(job, `Generate:${candidateId}`), ONE_ATTEMPT);
    }
  }

  async function evaluate(job: EvaluateJob): Promise<void> {
    const { landscape } = await world(job.experimentId);
    const [generated] = await store.readStream(streamIds.candidate(job.candidateId), { from: 0, to: 0 });
    if (!isEvent(generated, 'CandidateGenerated')) throw new Error(`candidate ${job.candidateId} is not in the ledger`);
    const { code, codeHash, cycle } = generated.data;
    if (options.evaluateDelayMs) await new Promise((r) => setTimeout(r, options.evaluateDelayMs));
    const started = Date.now();
    const genome = programToGenome(code);
    const base = { experimentId: job.experimentId, cycle, candidateId: job.candidateId };
    const commandId = `Evaluate:${job.candidateId}`;
    if (genome === null || !isValid(landscape, genome)) {
      const bad = genome ? violations(landscape, genome)[0] ?? 1 : 1;
      await handleCommand(store, streamIds.candidate(job.candidateId), candidateDecider, {
        type: 'RecordRejection', data: {
          ...base, stage: genome === null ? 'parse' : 'forward', params: null, device: 'sim',
          reason: genome === null ? 'not a sim program' : `${COMPONENT_TYPES[genome[bad - 1]!]} cannot feed ${COMPONENT_TYPES[genome[bad]!]} (position ${bad})`,
        },
      }, ctx(job, commandId), ONE_ATTEMPT);
      return;
    }
    const accuracy = simulatedAccuracy(landscape, genome, deriveSeed(job.seed, codeHash));
    await handleCommand(store, streamIds.candidate(job.candidateId), candidateDecider, {
      type: 'RecordEvaluation', data: {
        ...base, accuracy, loss: -Math.log(accuracy), params: genome.reduce((s, g) => s + 1000 * (g + 1), 0),
        dataset: { id: 'sim', contentHash: contentHash({ world: job.seed }) }, protocolHash: contentHash(SIM_PROTOCOL), seed: job.seed,
        device: 'sim', libraries: { 'nas-ledger-sim': '1' }, timings: { total: (Date.now() - started) / 1000 },
        structuralFingerprint: contentHash(genome),
      },
    }, ctx(job, commandId), ONE_ATTEMPT);
  }

  async function fineTune(job: FineTuneJob): Promise<void> {
    const started = Date.now();
    const { config, landscape } = await world(job.experimentId);
    const { refinements } = await lastFineTune(job.experimentId, job.cycle);
    const state = await generatorState(job.experimentId, job.corpusVersion, refinements + 1, config, landscape);
    const version = contentHash({ templates: state.templates, refinements: refinements + 1 });
    await handleCommand(store, streamIds.experiment(job.experimentId), experimentDecider, {
      type: 'RecordFineTuned', data: {
        experimentId: job.experimentId, cycle: job.cycle, to: { id: 'sim', version }, adapterHash: version, loss: null, durationMs: Date.now() - started,
      },
    }, ctx(job, `FineTune:${job.experimentId}:${job.cycle}`), ONE_ATTEMPT);
  }

  return async (job) => {
    switch (job.kind) {
      case 'generate': return generate(job);
      case 'evaluate': return evaluate(job);
      case 'fine-tune': return fineTune(job);
      case 'review-evaluate':
        // A sim candidate's numbers come from the simulation model, not from code that could run again.
        throw new LedgerError('UNSUPPORTED', `review ${job.reviewId}: sim candidates cannot be re-evaluated`,
          'Review a sim experiment with --decisions (its novelty verdicts and admissions are re-derived from the log).');
      case 'proxy-study':
        // The simulation has no code to train longer: its first-epoch numbers are all there is.
        throw new LedgerError('UNSUPPORTED', `study ${job.studyId}: sim candidates cannot be fully trained`,
          'Run a proxy study on an experiment with real evaluations (e.g. --generator grammar).');
      default: {
        const never: never = job;
        throw new Error(`unknown job ${JSON.stringify(never)}`);
      }
    }
  };
}
