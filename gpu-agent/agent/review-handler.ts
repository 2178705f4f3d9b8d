import { sha256Hex } from '../../domain/shared/canonical-json';
import { LedgerError } from '../../domain/shared/ledger-error';
import type { ExperimentConfig } from '../../domain/experiment/config';
import { streamIds, type CandidateEvaluated, type CandidateGenerated, type CandidateRejected } from '../../domain/experiment/events';
import { firstEvent, isEvent, type RecordedLedgerEvent } from '../../domain/experiment/ledger-event';
import type { RecordedEvent } from '../../domain/shared/event-envelope';
import { corpusAsOf } from '../../projections/corpus/query';
import type { EventStore } from '../../src/ledger/event-store.port';
import type { ReviewEvaluateJob } from '../../src/bus/agent-job';
import { createGenerator } from '../generators/create-generator';
import type { RunnerPool } from '../runner-pool/runner-pool';
import type { RunnerConfig, RunnerResult } from '../runner-pool/runner-protocol';
import { cleanReason } from '../runner-pool/runner-protocol';
import { deviceKindOf, protocolValuesFor } from './protocol-search';
import {
  compareReview, notReproducible, type ProtocolValuesNote, type RegenerationCheck, type ReviewEnvironment, type ReviewFinding, type ReviewOutcome,
} from './review-compare';
import { recordFinding } from './review-stream';

export interface ReviewHandlerOptions {
  readonly store: EventStore;
  readonly pool: RunnerPool;
  readonly agentId: string;
  /** The device this agent's runners use. */
  readonly device: 'cpu' | 'cuda';
  /** Where generator versions live (the agent's artifact directory). */
  readonly artifactDir: string;
  readonly timeoutS?: number;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

/** What the ledger holds about the reviewed candidate. */
interface CandidateRecord {
  readonly generated: CandidateGenerated['data'];
  readonly evaluated: CandidateEvaluated['data'] | null;
  readonly rejected: CandidateRejected['data'] | null;
  readonly config: ExperimentConfig;
}

/**
 * The 'review-evaluate' job: re-runs one recorded candidate (its recorded code, through the same sandbox, stages
 * and protocol values), optionally regenerates it, compares, and records the finding on the review's stream with
 * a command id from the review and the candidate (a redelivered job records nothing twice). The candidate's own
 * stream is only read. Whatever stops the re-run that a reviewer can fix (a missing dataset, a corrupt artifact,
 * values that cannot be found) becomes a not-reproducible verdict rather than a failed job.
 */
export function createReviewEvaluateHandler(options: ReviewHandlerOptions): (job: ReviewEvaluateJob) => Promise<void> {
  const log = options.log ?? (() => undefined);
  return async (job) => {
    checkReviewJob(job);
    const record = await readCandidate(options.store, job);
    const finding = withDecisions(await review(options, job, record), job);
    log(`agent ${options.agentId}: review ${job.reviewId} ${job.candidateId}: ${finding.verdict}${finding.cause ? ` (${finding.cause})` : ''}`);
    await recordFinding(options.store, job, finding, { actor: `agent/${options.agentId}`, now: options.now });
  };
}

/** A re-run that reproduced but whose recorded decisions the log does not re-derive is diverged: the numbers are not all. */
function withDecisions(finding: ReviewFinding, job: ReviewEvaluateJob): ReviewFinding {
  const differences = job.decisionDifferences ?? [];
  if (differences.length === 0 || finding.verdict === 'diverged' || finding.verdict === 'not-reproducible') return finding;
  const named = differences.map((d) => `${d.decision} ${d.field}: recorded ${String(d.recorded)}, re-derived ${String(d.recomputed)}`).join('; ');
  return {
    ...finding, verdict: 'diverged', cause: `the recorded decisions differ from their re-derivation from the log prefix: ${named}`,
    whatToDo: 'The decision was not made by the rules the ledger records (a different novelty or admission decider wrote it): audit its writer.',
  };
}

function checkReviewJob(job: ReviewEvaluateJob): void {
  const bad = (why: string): never => {
    throw new LedgerError('BAD_INPUT', `malformed review-evaluate job ${String(job?.jobId)}: ${why}`, 'Reviews send ReviewEvaluateJob messages (src/bus/agent-job.ts).');
  };
  for (const key of ['jobId', 'experimentId', 'reviewId', 'candidateId', 'protocol', 'device'] as const) {
    if (typeof job[key] !== 'string' || job[key] === '') bad(`${key} must be a non-empty string`);
  }
  if (typeof job.tolerance !== 'number' || !(job.tolerance >= 0 && job.tolerance <= 1)) bad('tolerance must be a number in [0, 1]');
  if (job.threads !== null && (!Number.isInteger(job.threads) || job.threads < 1)) bad('threads must be null or a positive integer');
  if (!['cpu', 'cuda', 'auto'].includes(job.device)) bad(`device ${job.device}`);
}

async function readCandidate(store: EventStore, job: ReviewEvaluateJob): Promise<CandidateRecord> {
  const events = await store.readStream(streamIds.candidate(job.candidateId));
  const generated = firstEvent(events, 'CandidateGenerated')?.data;
  if (!generated || generated.experimentId !== job.experimentId) {
    throw new LedgerError('NOT_FOUND', `candidate ${job.candidateId} of ${job.experimentId} is not in the ledger`, 'Name a candidate of the experiment (nas-ledger candidates).');
  }
  const config = firstEvent(await store.readStream(streamIds.experiment(job.experimentId)), 'ExperimentRegistered')?.data.config;
  if (!config) throw new LedgerError('NOT_FOUND', `experiment ${job.experimentId} is not registered`, 'nas-ledger experiments lists the experiments.');
  return {
    generated, config, evaluated: firstEvent(events, 'CandidateEvaluated')?.data ?? null, rejected: firstEvent(events, 'CandidateRejected')?.data ?? null,
  };
}

function recordedOutcome(record: CandidateRecord): ReviewOutcome {
  if (record.evaluated) return { outcome: 'evaluated', stage: 'passed', accuracy: record.evaluated.accuracy, loss: record.evaluated.loss, reason: null };
  if (record.rejected) return { outcome: 'rejected', stage: record.rejected.stage, accuracy: null, loss: null, reason: record.rejected.reason };
  throw new LedgerError('REFUSED', `candidate ${record.generated.candidateId} never reached evaluation: there is nothing to compare`,
    'Review candidates that were evaluated or rejected (nas-ledger candidates shows their status).');
}

async function review(options: ReviewHandlerOptions, job: ReviewEvaluateJob, record: CandidateRecord): Promise<ReviewFinding> {
  const recorded = recordedOutcome(record);
  const { generated } = record;
  const regeneration = job.regenerate ? await regenerate(options, job, record) : null;
  if (sha256Hex(generated.code) !== generated.codeHash) {
    return notReproducible(recorded, `the recorded code does not match its hash ${generated.codeHash.slice(0, 12)}…`,
      'The ledger was altered: nas-ledger events verify names the damaged position.', { source: 'not-found', note: 'not looked up' }, job.tolerance, regeneration);
  }
  // auto: the recorded device kind where this agent has it (a CPU always), else the agent's own (a named difference).
  const recordedKind = deviceKindOf(record.evaluated?.device ?? record.rejected?.device ?? 'cpu');
  const device = job.device === 'auto' ? (recordedKind === 'cpu' || options.device === 'cuda' ? recordedKind : options.device) : job.device as 'cpu' | 'cuda';
  if (device === 'cuda' && options.device !== 'cuda') {
    throw new LedgerError('UNAVAILABLE', `review ${job.reviewId} needs a GPU and this agent runs on the CPU`, 'Run an agent with --device cuda, or review with --device cpu.');
  }
  const values = await runnerConfigFor(job, record, device);
  if (values.config === null) {
    return notReproducible(recorded, values.note.note, 'Review with the tool version that recorded this evaluation, or re-run the experiment.', values.note, job.tolerance, regeneration);
  }
  let result: RunnerResult;
  try {
    result = await options.pool.run('evaluate', generated.code, { ...values.config, timeoutS: options.timeoutS ?? 600, dataRoot: null, fingerprint: false });
  } catch (error) {
    const failure = LedgerError.from(error);
    if (failure.code !== 'NOT_FOUND') throw failure;
    return notReproducible(recorded, `the dataset is missing: ${failure.message}`, failure.hint ?? 'Install the dataset or point NAS_LEDGER_DATA at it.', values.note, job.tolerance, regeneration);
  }
  const rerun: ReviewOutcome = result.ok
    ? { outcome: 'evaluated', stage: 'passed', accuracy: result.accuracy, loss: result.loss, reason: null }
    : { outcome: 'rejected', stage: result.stage, accuracy: null, loss: null, reason: cleanReason(result.reason) };
  return compareReview({
    recorded, rerun, tolerance: job.tolerance, protocolValues: values.note, regeneration,
    recordedEnvironment: recordedEnvironment(record, values.recordedThreads), reviewEnvironment: reviewEnvironment(result, record, values.config),
  });
}

interface ValuesFound {
  readonly config: RunnerConfig | null;
  readonly note: ProtocolValuesNote;
  readonly recordedThreads: number | null;
}

/** The runner config that reproduces the recorded protocol values (recorded, or found by the hash search). */
async function runnerConfigFor(job: ReviewEvaluateJob, record: CandidateRecord, device: 'cpu' | 'cuda'): Promise<ValuesFound> {
  const { config } = record;
  const common = {
    dataset: config.dataset, protocol: config.protocol, device, parameterBudget: config.parameterBudget, flopsBudget: config.flopsBudget ?? null,
  };
  if (!record.evaluated) {
    // A rejection records no protocol values: the experiment's config and the value its evaluations used.
    return {
      config: { ...common, subset: config.subset, valSubset: job.valSubset, seed: config.seed, threads: job.threads ?? 1 },
      note: { source: 'experiment-config', note: 'a rejection records no protocol values: re-run with the experiment\'s config' }, recordedThreads: null,
    };
  }
  const found = await protocolValuesFor(record.evaluated, config);
  if (found.source === 'not-found') {
    return {
      config: null, recordedThreads: null,
      note: { source: 'not-found', note: `no protocol values hash to the recorded protocol hash (${found.tried} tried`
        + `${found.recordedMismatch ? '; the recorded values do not match it either' : ''})` },
    };
  }
  const v = found.values;
  const recordedThreads = v.cpuThreads ?? null;
  const runConfig: RunnerConfig = {
    ...common, subset: v.subset, valSubset: v.valSubset, seed: v.seed, batchSize: v.batchSize, prm: v.prm,
    ...(v.name === 'full' ? { epochs: v.epochs } : {}), threads: job.threads ?? recordedThreads ?? 1,
  };
  const note = found.source === 'recorded'
    ? `the values the record names (protocol ${v.name} v${v.version}${found.legacy ? ', before the trusted runner' : ''})`
    : `values not recorded (schema version 1): found by searching ${found.tried} configs for the one whose hash matches the recorded protocol hash`;
  return { config: runConfig, note: { source: found.source, note }, recordedThreads };
}

function librariesOf(libraries: Readonly<Record<string, string | null>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(libraries)) if (v && k !== 'sandbox') out[k] = v;
  return out;
}

function recordedEnvironment(record: CandidateRecord, threads: number | null): ReviewEnvironment {
  const e = record.evaluated;
  if (!e) return { datasetHash: null, protocolHash: null, device: record.rejected?.device ?? null, threads: null, sandbox: null, libraries: {} };
  return {
    datasetHash: e.dataset.contentHash, protocolHash: e.protocolHash, device: e.device, threads: deviceKindOf(e.device) === 'cpu' ? threads : null,
    sandbox: e.libraries.sandbox ?? null, libraries: librariesOf(e.libraries),
  };
}

function reviewEnvironment(result: RunnerResult, record: CandidateRecord, config: RunnerConfig): ReviewEnvironment {
  const device = result.device === 'cuda' ? `cuda:${result.deviceName ?? 'unknown'}` : 'cpu';
  if (!record.evaluated) {
    return { datasetHash: null, protocolHash: null, device: record.rejected?.device === null ? null : device, threads: null, sandbox: null, libraries: {} };
  }
  return {
    datasetHash: result.datasetHash, protocolHash: result.protocolHash, device, threads: result.device === 'cpu' ? config.threads ?? 1 : null,
    sandbox: result.sandbox, libraries: librariesOf(result.libraries),
  };
}

/** The corpus the generate job read: seed and admissions of the cycles before the candidate's. */
async function corpusBefore(store: EventStore, experimentId: string, cycle: number) {
  const experiment = await store.readStream(streamIds.experiment(experimentId));
  const admitted = (await store.readAll({ types: ['CandidateAdmitted'] }))
    .filter((e): e is RecordedLedgerEvent<'CandidateAdmitted'> => isEvent(e, 'CandidateAdmitted') && e.data.experimentId === experimentId && e.data.cycle < cycle);
  const generated: RecordedEvent[] = [];
  for (const admission of admitted) generated.push(...await store.readStream(streamIds.candidate(admission.data.candidateId), { from: 0, to: 0 }));
  const events = [...experiment, ...admitted, ...generated].sort((a, b) => a.globalPosition - b.globalPosition);
  return [...corpusAsOf(events, experimentId, { cycle: cycle - 1 })?.entries ?? []];
}

/** Regenerates the candidate from the recorded generator version (hash-checked on load), seed, index and corpus. */
async function regenerate(options: ReviewHandlerOptions, job: ReviewEvaluateJob, record: CandidateRecord): Promise<RegenerationCheck> {
  const { generated, config } = record;
  const base = { generator: config.generator, version: generated.generator.version, recordedCodeHash: generated.codeHash, delta: generated.parent !== null };
  const started = (await options.store.readStream(streamIds.experiment(job.experimentId)))
    .find((e): e is RecordedLedgerEvent<'CycleStarted'> => isEvent(e, 'CycleStarted') && e.data.cycle === generated.cycle);
  let generator;
  try {
    generator = await createGenerator(config.generator, {
      artifactDir: options.artifactDir, version: generated.generator.version, device: options.device, dataset: config.dataset,
      parameterBudget: config.parameterBudget,
    });
  } catch (error) {
    const failure = LedgerError.from(error);
    return { ...base, codeHash: null, matches: false, problem: `${failure.code}: ${failure.message}` };
  }
  try {
    if (generator.ref.version !== generated.generator.version) {
      return { ...base, codeHash: null, matches: false, problem: `the artifact store loaded version ${generator.ref.version}, the record names ${generated.generator.version}` };
    }
    const corpus = config.delta ? await corpusBefore(options.store, job.experimentId, generated.cycle) : [];
    const count = Math.max(started?.data.candidatesPlanned ?? 0, generated.index + 1);
    const context = { dataset: config.dataset, parameterBudget: config.parameterBudget, delta: config.delta, corpus };
    const programs = await generator.generate(count, generated.seed, context);
    const program = programs[generated.index];
    if (!program) return { ...base, codeHash: null, matches: false, problem: `the generator returned ${programs.length} programs, index ${generated.index} was recorded` };
    const code = program.code.length > 0 ? program.code : '# (the generator returned no output)\n';
    const codeHash = sha256Hex(code);
    const parentMatches = (program.parent?.entryId ?? null) === (generated.parent?.entryId ?? null);
    return {
      ...base, codeHash, matches: codeHash === generated.codeHash && parentMatches,
      problem: parentMatches ? null : `parent ${program.parent?.entryId ?? 'none'}, the record ${generated.parent?.entryId ?? 'none'}`,
    };
  } finally {
    await generator.close?.();
  }
}
